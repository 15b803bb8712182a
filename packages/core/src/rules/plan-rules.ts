import { ROOT, type Rule, type RuleInput, step } from './rule.ts';

/** The 2 Gbps ceiling of BandwidthInKbps, in kbps. */
export const MAX_BANDWIDTH_KBPS = 2_000_000;

/** Every AssociatedPlan reference in the document's profiles, with its path. */
export function planReferences(doc: RuleInput): Array<{ plan: string; path: string; profile: string }> {
  const refs: Array<{ plan: string; path: string; profile: string }> = [];
  for (const kind of ['DefaultProfile', 'PurchaseProfile'] as const) {
    const profile = doc.MBNProfiles?.[kind];
    if (profile?.AssociatedPlan !== undefined) {
      refs.push({
        plan: profile.AssociatedPlan,
        path: `${ROOT}/MBNProfiles/${kind}/AssociatedPlan`,
        profile: `${kind} "${profile.Name}"`,
      });
    }
  }
  const wlans = doc.WLANProfiles?.WLANProfile ?? [];
  wlans.forEach((profile, i) => {
    if (profile.AssociatedPlan !== undefined) {
      refs.push({
        plan: profile.AssociatedPlan,
        path: `${ROOT}/WLANProfiles/${step('WLANProfile', i, wlans.length)}/AssociatedPlan`,
        profile: `WLANProfile "${profile.name}"`,
      });
    }
  });
  return refs;
}

/** True when the document carries any mobile broadband or Wi-Fi profile. */
export function hasProfiles(doc: RuleInput): boolean {
  return Boolean(
    doc.MBNProfiles?.DefaultProfile ||
      doc.MBNProfiles?.PurchaseProfile ||
      doc.WLANProfiles?.WLANProfile?.length,
  );
}

/** Checks that an xs:dateTime names a real instant (XSD checks the lexical form only loosely for some values). */
function isDateTime(value: string): boolean {
  return (
    /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/.test(value) &&
    !Number.isNaN(Date.parse(value))
  );
}

/** Plan references, duplicates, limits and usage consistency. */
export const planRules: Rule = (doc, report) => {
  const plans = doc.Plans?.Plan ?? [];
  const names = new Map<string, number>();
  plans.forEach((plan, i) => {
    const at = `${ROOT}/Plans/${step('Plan', i, plans.length)}`;
    // A plan without a Name (the schema requires one) can be neither a duplicate nor referenced.
    if (plan.Name !== undefined) {
      if (names.has(plan.Name)) report('MBPROV_PLAN_DUPLICATE', `Plan "${plan.Name}" is defined twice.`, at);
      names.set(plan.Name, i);
    }
    const d = plan.Description;
    if (d) {
      for (const key of ['InboundBandwidthInKbps', 'OutboundBandwidthInKbps'] as const) {
        const v = d[key];
        if (v !== undefined && v > MAX_BANDWIDTH_KBPS) {
          report(
            'MBPROV_PLAN_BANDWIDTH_TOO_HIGH',
            `Plan "${plan.Name}" ${key} is ${v}; the maximum is 2 Gbps (${MAX_BANDWIDTH_KBPS}).`,
            `${at}/Description/${key}`,
          );
        }
      }
      if (d.PlanType === 'Fixed' && d.DataLimitInMegabytes === undefined) {
        report(
          'MBPROV_PLAN_FIXED_WITHOUT_LIMIT',
          `Plan "${plan.Name}" is Fixed but has no DataLimitInMegabytes.`,
          `${at}/Description`,
        );
      }
      if (d.PlanType !== 'Fixed' && d.DataLimitInMegabytes !== undefined) {
        report(
          'MBPROV_PLAN_LIMIT_NOT_FIXED',
          `Plan "${plan.Name}" is ${d.PlanType}; DataLimitInMegabytes only applies to Fixed plans.`,
          `${at}/Description/DataLimitInMegabytes`,
        );
      }
      if (
        d.MaxTransferSizeInMegabytes !== undefined &&
        d.DataLimitInMegabytes !== undefined &&
        d.MaxTransferSizeInMegabytes > d.DataLimitInMegabytes
      ) {
        report(
          'MBPROV_PLAN_TRANSFER_ABOVE_LIMIT',
          `Plan "${plan.Name}" allows ${d.MaxTransferSizeInMegabytes} MB transfers but only ${d.DataLimitInMegabytes} MB in all.`,
          `${at}/Description/MaxTransferSizeInMegabytes`,
        );
      }
      if (d.BillingCycle?.StartDate !== undefined && !isDateTime(d.BillingCycle.StartDate)) {
        report(
          'MBPROV_PLAN_BAD_TIMESTAMP',
          `Plan "${plan.Name}" BillingCycle StartDate "${d.BillingCycle.StartDate}" is not a date and time.`,
          `${at}/Description/BillingCycle`,
        );
      }
      const u = plan.Usage;
      if (
        u?.CurrentUsage !== undefined &&
        d.DataLimitInMegabytes !== undefined &&
        u.CurrentUsage > d.DataLimitInMegabytes &&
        u.OverLimit !== true
      ) {
        report(
          'MBPROV_PLAN_USAGE_OVER_LIMIT',
          `Plan "${plan.Name}" usage ${u.CurrentUsage} MB exceeds its ${d.DataLimitInMegabytes} MB limit but OverLimit is not true.`,
          `${at}/Usage`,
        );
      }
    }
    if (plan.Usage?.UsageTimestamp !== undefined && !isDateTime(plan.Usage.UsageTimestamp)) {
      report(
        'MBPROV_PLAN_BAD_TIMESTAMP',
        `Plan "${plan.Name}" UsageTimestamp "${plan.Usage.UsageTimestamp}" is not a date and time.`,
        `${at}/Usage`,
      );
    }
  });

  const refs = planReferences(doc);
  for (const ref of refs) {
    if (!names.has(ref.plan)) {
      report(
        'MBPROV_PLAN_MISSING',
        `${ref.profile} names plan "${ref.plan}", which this document does not define in Plans.`,
        ref.path,
      );
    }
  }
  // Plans without profiles update the PC's existing profiles; only a document with profiles can leave a plan unused.
  if (hasProfiles(doc)) {
    const referenced = new Set(refs.map((r) => r.plan));
    plans.forEach((plan, i) => {
      if (plan.Name !== undefined && !referenced.has(plan.Name)) {
        report(
          'MBPROV_PLAN_UNREFERENCED',
          `Plan "${plan.Name}" is not named by any profile in this document.`,
          `${ROOT}/Plans/${step('Plan', i, plans.length)}`,
        );
      }
    });
  }
};
