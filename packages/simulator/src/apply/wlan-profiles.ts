import { codes, MAX_WLAN_PROFILES, passpointFindings, SSID_LIMITS } from '@mbprov/core';
import { HRESULT } from '../hresult.ts';
import { failedSection, type SectionResult, section } from '../results.ts';
import { type ApplyContext, planDefined } from './context.ts';

/** The Passpoint findings for which Windows' profile reader refuses a profile: errors, not warnings. */
function refusedPasspoint(profile: Parameters<typeof passpointFindings>[0]) {
  return passpointFindings(profile).filter((f) => codes[f.code].severity === 'error');
}

/**
 * WLANProfiles (account provisioning page, *Wi-Fi information*): omitted, the PC's profiles are untouched; present,
 * it is the complete set: the carrier's profiles not listed are deleted, listed ones created or updated; empty, all
 * the carrier's profiles are deleted. Only profiles this carrier provisioned are deleted or replaced: a profile of
 * the same name that the user made is access denied. Without Wi-Fi hardware or the WLAN service, the whole section fails.
 * Documented limits (*Handling large numbers of SSIDs*): more than ten profiles fails the whole section (E_INVALIDARG)
 * and leaves the carrier's profiles as they were. A profile of more than 25 v1 or 10,000 v2 SSIDs fails alone; up to
 * 25 + 10,000 together applies: the WLAN schema's "additional 10000" over the page's "10,000 SSIDs in total"
 * (docs/simulator.md).
 * Passpoint (Hotspot2): a profile whose settings Windows' profile reader refuses (passpointFindings: identifiers,
 * WPA2-Enterprise, EAP method, EAP-TTLS inner method, at most 256 entries per list, and children in schema order and
 * once each: NAIRealm after Network3GPP, or a second DomainName, is refused) fails alone with ERROR_BAD_PROFILE; a good one is stored with its Hotspot2 settings. Warnings (a
 * certificate the document cannot install) do not stop the profile: Windows stores it all the same.
 */
export function applyWlanProfiles(ctx: ApplyContext): SectionResult | undefined {
  const section_ = ctx.doc.WLANProfiles;
  if (!section_) return undefined;
  const caps = ctx.state.capabilities;
  if (!caps.wifi) return failedSection(HRESULT.DEVICE_NOT_CONNECTED, 'no Wi-Fi adapter');
  if (!caps.wlanServiceRunning)
    return failedSection(HRESULT.SERVICE_NOT_ACTIVE, 'the WLAN service is not running');
  if (section_.WLANProfile.length > MAX_WLAN_PROFILES) {
    return failedSection(
      HRESULT.INVALID_ARG,
      `${section_.WLANProfile.length} profiles; at most ${MAX_WLAN_PROFILES} are provisioned`,
    );
  }
  const owners = new Map<string, string>();
  for (const [id, carrier] of Object.entries(ctx.state.carriers)) {
    if (id !== ctx.carrierId) for (const p of carrier.WLANProfiles) owners.set(p.name, id);
  }
  const kept = [];
  const items = [];
  for (const [index, profile] of section_.WLANProfile.entries()) {
    if (ctx.state.userWlanProfiles.includes(profile.name) || owners.has(profile.name)) {
      items.push({
        name: profile.name,
        errorCode: HRESULT.ACCESS_DENIED,
        reason: 'a profile of this name belongs to the user or another provider',
      });
    } else if (
      (profile.SSIDConfig.SSID?.length ?? 0) > SSID_LIMITS.v1 ||
      (profile.SSIDConfig.v2SSID?.length ?? 0) > SSID_LIMITS.v2
    ) {
      items.push({
        name: profile.name,
        errorCode: HRESULT.INVALID_ARG,
        reason: `more than ${SSID_LIMITS.v1} v1 or ${SSID_LIMITS.v2} v2 SSIDs in the profile`,
      });
    } else if (!planDefined(ctx, profile.AssociatedPlan)) {
      items.push({
        name: profile.name,
        errorCode: HRESULT.NOT_FOUND,
        reason: `plan "${profile.AssociatedPlan}" is not in this document`,
      });
    } else if (ctx.unreadableHotspot2.has(index) || refusedPasspoint(profile).length > 0) {
      const unreadable = ctx.unreadableHotspot2.get(index) ?? [];
      items.push({
        name: profile.name,
        errorCode: HRESULT.BAD_PROFILE,
        reason: [...unreadable, ...refusedPasspoint(profile).map((f) => f.message)].join(' '),
      });
    } else {
      kept.push(profile);
      items.push({ name: profile.name, errorCode: HRESULT.S_OK });
    }
  }
  ctx.carrier.WLANProfiles = kept;
  return section(items);
}
