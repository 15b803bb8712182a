import type { CarrierProvisioning, Context, Messages, Plan, WLANProfile } from '@mbprov/core';
import type { ApnConfig, Config, WifiConfig } from '../config/schema.ts';
import type { Plan as CatalogPlan } from '../storage/plans.ts';
import type { Subscriber } from '../storage/subscribers.ts';
import { type Subscription, usageTimeOf } from '../storage/subscriptions.ts';
import { passpointSecurity } from './passpoint-profile.ts';
import { isWifiOnly } from './subscribers.ts';

/** The days a subscription runs: the plan's duration, or more after extensions. */
function periodDays(subscription: { starts_at: string; ends_at: string }): number {
  return Math.round((Date.parse(subscription.ends_at) - Date.parse(subscription.starts_at)) / 86_400_000);
}

/** EAP-SIM (EAP type 18) for WPA2-Enterprise hotspots, as the account provisioning page's example configures it. */
export const EAP_SIM_ONEX =
  '<OneX xmlns="http://www.microsoft.com/networking/OneX/v1"><EAPConfig><EapHostConfig xmlns="http://www.microsoft.com/provisioning/EapHostConfig">' +
  '<EapMethod><Type>18</Type><VendorId>0</VendorId><VendorType>0</VendorType><AuthorId>311</AuthorId></EapMethod>' +
  '<Config><EapSim xmlns="http://www.microsoft.com/provisioning/EapSimConnectionPropertiesV1"><Realm Enabled="true"></Realm></EapSim></Config>' +
  '</EapHostConfig></EAPConfig></OneX>';

/** Everything a subscriber's document is made of, besides the configuration. */
export interface DocumentInputs {
  subscriber: Subscriber;
  subscription: Subscription;
  plan: CatalogPlan;
  /** The RefreshURL of this subscriber and its HTTP Basic credentials. */
  refresh: { url: string; userName: string; password: string };
  /** The subscriber's WISPr hotspot password. */
  hotspotPassword: string;
  /** The certificates that may sign later documents (TrustedCertificates): the signer and its successor. */
  trusted: Array<{ SubjectName: string; IssuerName: string }>;
  now: Date;
}

function context(apn: ApnConfig): Context {
  return {
    AccessString: apn.accessString,
    ...(apn.userName !== undefined
      ? {
          UserLogonCred: {
            UserName: apn.userName,
            ...(apn.password !== undefined ? { Password: apn.password } : {}),
          },
        }
      : {}),
    ...(apn.authProtocol ? { AuthProtocol: apn.authProtocol } : {}),
  };
}

function wifiProfile(wifi: WifiConfig, plan: string, inputs: DocumentInputs): WLANProfile {
  const ssids = wifi.ssids.map((name) => ({ name }));
  const base = { name: wifi.name, AssociatedPlan: plan, SSIDConfig: { SSID: ssids } };
  if (wifi.kind === 'eap-sim') {
    return {
      ...base,
      MSM: {
        security: {
          authEncryption: { authentication: 'WPA2', encryption: 'AES', useOneX: true },
          OneX: EAP_SIM_ONEX,
        },
      },
    };
  }
  if (wifi.kind === 'passpoint') return { ...base, MSM: { security: passpointSecurity(wifi) } };
  const open = { authentication: 'open' as const, encryption: 'none' as const, useOneX: false };
  if (wifi.kind === 'wispr') {
    return {
      ...base,
      MSM: {
        security: {
          authEncryption: open,
          HotspotProfile: {
            BasicAuth: { UserName: inputs.subscriber.refresh_user, Password: inputs.hotspotPassword },
            TrustedDomains: { TrustedDomain: wifi.trustedDomains ?? [] },
          },
        },
      },
    };
  }
  return { ...base, MSM: { security: { authEncryption: open } } };
}

/** The Plans entry of a subscription: the catalog plan as Description, the subscription's usage as Usage. */
export function planEntry(plan: CatalogPlan, subscription: Subscription): Plan {
  return {
    Name: plan.name,
    Description: {
      PlanType: plan.plan_type as 'Unrestricted' | 'Fixed' | 'Variable',
      BillingCycle: {
        StartDate: subscription.starts_at,
        Duration: `P${periodDays(subscription)}D`,
        Resets: false,
      },
      ...(subscription.data_limit_mb !== null ? { DataLimitInMegabytes: subscription.data_limit_mb } : {}),
      ...(plan.bandwidth_kbps !== null ? { InboundBandwidthInKbps: plan.bandwidth_kbps } : {}),
    },
    Usage: usageOf(subscription),
  };
}

/** The Usage element of a subscription. */
export function usageOf(subscription: Subscription): NonNullable<Plan['Usage']> {
  const over = subscription.data_limit_mb !== null && subscription.usage_mb >= subscription.data_limit_mb;
  return {
    ...(subscription.data_limit_mb !== null ? { OverLimit: over } : {}),
    CurrentUsage: subscription.usage_mb,
    UsageTimestamp: usageTimeOf(subscription) ?? subscription.starts_at,
  };
}

/**
 * The full provisioning document of a subscriber (what activation sends): profiles with the internet and purchase
 * APNs, the SMS rules, the configured Wi-Fi hotspots, the plan with its usage, the signer as trusted for later
 * documents, the per-subscriber RefreshURL and credentials, and the configured activation directive. A subscriber
 * without a SIM gets {@link wifiOnlyDocument}.
 */
export function subscriberDocument(config: Config, inputs: DocumentInputs): CarrierProvisioning {
  if (isWifiOnly(inputs.subscriber)) return wifiOnlyDocument(config, inputs);
  const op = config.operator;
  const plan = inputs.plan.name;
  const doc: CarrierProvisioning = {
    Global: { CarrierId: op.carrierId, SubscriberId: subscriberIdOf(inputs.subscriber) },
  };
  if (op.activation !== 'none')
    doc.Activation = { [op.activation]: { Delay: op.activationDelay, RetryCount: 3, RetryInterval: 'PT1M' } };
  doc.MBNProfiles = {
    DefaultProfile: {
      Name: op.name,
      AssociatedPlan: plan,
      HomeProviderName: op.homeProviderName,
      Context: context(op.internetApn),
    },
    ...(op.purchaseApn
      ? {
          PurchaseProfile: {
            Name: `${op.name} purchase`,
            AssociatedPlan: plan,
            Context: context(op.purchaseApn),
          },
        }
      : {}),
    ...(op.smsRules ? { Messages: op.smsRules as Messages } : {}),
  };
  if (op.wifi.length) doc.WLANProfiles = { WLANProfile: op.wifi.map((w) => wifiProfile(w, plan, inputs)) };
  doc.Plans = { Plan: [planEntry(inputs.plan, inputs.subscription)] };
  doc.Provisioning = provisioning(config, inputs);
  return doc;
}

/**
 * The configured Wi-Fi network kinds a customer without a SIM can join: EAP-SIM authenticates with the SIM, so it is
 * left out; Passpoint signs in with the same credentials as WISPr (the user types them the first time).
 */
export const WIFI_ONLY_KINDS: ReadonlySet<WifiConfig['kind']> = new Set(['wispr', 'open', 'passpoint']);

/** The configured networks a Wi-Fi-only document carries (WIFI_ONLY_KINDS). */
export function wifiOnlyNetworks(config: Config): WifiConfig[] {
  return config.operator.wifi.filter((w) => WIFI_ONLY_KINDS.has(w.kind));
}

/**
 * The document of a customer without a SIM (docs/hotspot.md): only WLAN profiles (the WISPr networks with the
 * subscriber's HotspotProfile BasicAuth credentials, and open ones), the plan they are associated with and its usage
 * (Windows meters the Wi-Fi networks by it), and the same Provisioning section as a SIM's (TrustedCertificates and the
 * RefreshURL: refresh is the provisioning engine's, not the modem's). No MBN profiles, SMS rules or activation
 * directive: they all need a SIM.
 */
export function wifiOnlyDocument(config: Config, inputs: DocumentInputs): CarrierProvisioning {
  const plan = inputs.plan.name;
  return {
    Global: { CarrierId: config.operator.carrierId, SubscriberId: subscriberIdOf(inputs.subscriber) },
    WLANProfiles: { WLANProfile: wifiOnlyNetworks(config).map((w) => wifiProfile(w, plan, inputs)) },
    Plans: { Plan: [planEntry(inputs.plan, inputs.subscription)] },
    Provisioning: provisioning(config, inputs),
  };
}

/** The Provisioning section: the certificates trusted for later documents, and the RefreshURL with its credentials. */
function provisioning(
  config: Config,
  inputs: DocumentInputs,
): NonNullable<CarrierProvisioning['Provisioning']> {
  return {
    TrustedCertificates: { TrustedCertificate: inputs.trusted },
    RefreshParameters: {
      DelayInDays: config.operator.refreshDelayDays,
      RefreshURL: inputs.refresh.url,
      UserName: inputs.refresh.userName,
      Password: inputs.refresh.password,
    },
  };
}

/**
 * The document's SubscriberId: the IMSI (GSM), else the MIN (CDMA), else the ICCID of a row known by it alone; a
 * customer without a SIM is named by the first 20 hexadecimal digits of its subscriber id (base:SubscriberType allows
 * 20 word characters: a provider's own id).
 */
export function subscriberIdOf(subscriber: Pick<Subscriber, 'id' | 'imsi' | 'min' | 'iccid'>): string {
  return (
    subscriber.imsi ?? subscriber.min ?? subscriber.iccid ?? subscriber.id.replace(/-/g, '').slice(0, 20)
  );
}

/** A usage-only document (Plans with Usage): how the account provisioning page updates usage. */
export function usageDocument(
  config: Config,
  subscriber: Subscriber,
  plan: CatalogPlan,
  subscription: Subscription,
): CarrierProvisioning {
  return {
    Global: { CarrierId: config.operator.carrierId, SubscriberId: subscriberIdOf(subscriber) },
    Plans: { Plan: [{ Name: plan.name, Usage: usageOf(subscription) }] },
  };
}
