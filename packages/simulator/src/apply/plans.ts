import { HRESULT } from '../hresult.ts';
import type { ItemResult, SectionResult } from '../results.ts';
import type { CarrierState } from '../state.ts';
import type { ApplyContext } from './context.ts';

/** Plan names the carrier's profiles on the PC name. */
function namedOnMachine(carrier: CarrierState): Set<string> {
  const names = [
    carrier.DefaultProfile?.AssociatedPlan,
    carrier.PurchaseProfile?.AssociatedPlan,
    ...carrier.WLANProfiles.map((p) => p.AssociatedPlan),
  ];
  return new Set(names.filter((n): n is string => n !== undefined));
}

/**
 * Plans (account provisioning page, *Permitted combinations*): a Plan with a Description creates or replaces the
 * plan (and its usage when given); a Plan with Usage only updates an existing plan's usage, and fails when the PC
 * has no such plan. Warnings (S_FALSE): with profiles in the document, a plan none of them names; without profiles,
 * a plan no profile on the PC names. Runs after the profile sections so that "on the PC" includes this document.
 */
export function applyPlans(ctx: ApplyContext): SectionResult | undefined {
  const plans = ctx.doc.Plans;
  if (!plans) return undefined;
  const doc = ctx.doc;
  const documentHasProfiles = Boolean(
    doc.MBNProfiles?.DefaultProfile || doc.MBNProfiles?.PurchaseProfile || doc.WLANProfiles,
  );
  const namedInDocument = new Set(
    [
      doc.MBNProfiles?.DefaultProfile?.AssociatedPlan,
      doc.MBNProfiles?.PurchaseProfile?.AssociatedPlan,
      ...(doc.WLANProfiles?.WLANProfile ?? []).map((p) => p.AssociatedPlan),
    ].filter((n): n is string => n !== undefined),
  );
  const onMachine = namedOnMachine(ctx.carrier);
  const items: ItemResult[] = [];
  for (const plan of plans.Plan) {
    const existing = ctx.carrier.Plans[plan.Name];
    if (!plan.Description) {
      if (!existing) {
        items.push({
          name: plan.Name,
          errorCode: HRESULT.NOT_FOUND,
          reason: 'usage for a plan the PC does not have',
        });
        continue;
      }
      if (plan.Usage) existing.Usage = plan.Usage;
      items.push({ name: plan.Name, errorCode: HRESULT.S_OK });
      continue;
    }
    ctx.carrier.Plans[plan.Name] = {
      Description: plan.Description,
      ...(plan.Usage ? { Usage: plan.Usage } : {}),
    };
    const named = documentHasProfiles ? namedInDocument.has(plan.Name) : onMachine.has(plan.Name);
    items.push(
      named
        ? { name: plan.Name, errorCode: HRESULT.S_OK }
        : {
            name: plan.Name,
            errorCode: HRESULT.S_FALSE,
            reason: documentHasProfiles
              ? 'no profile in the document names this plan'
              : 'no profile on the PC names this plan',
          },
    );
  }
  return { items };
}
