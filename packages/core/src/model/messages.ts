import { NS } from '../xml/namespaces.ts';
import { attrs, type ElementSpec, leaf } from './spec.ts';

/** A field holding a number; values may carry a unit from another group or a default unit. */
export interface NumberField {
  /** Capturing group (1-based) holding the number. */
  Group: number;
  /** Capturing group holding the unit token. */
  UnitGroup?: number;
  /** Unit when none is captured: None (bytes), K, M, G, T (powers of 1000), Ki, Mi, Gi, Ti (powers of 1024). */
  DefaultUnit?: 'None' | 'K' | 'M' | 'G' | 'T' | 'Ki' | 'Mi' | 'Gi' | 'Ti';
}

/** A field holding a percentage. */
export interface PercentField {
  Group: number;
}

/** A field holding a date and time, parsed with a strftime-like Format (%d %H %I %m %M %S %y %Y %p, %#x). */
export interface DateTimeField {
  Format: string;
  Group: number;
  /** Text that %p matches for the morning (element-usagetimestamp). */
  AmToken?: string;
  /** Text that %p matches for the afternoon. */
  PmToken?: string;
}

/** A flag: true when the group matches TrueToken, false on FalseToken, else Default. */
export interface BooleanField {
  TrueToken?: string;
  FalseToken?: string;
  Default?: boolean;
  Group?: number;
}

/** The plan type carried by a message. */
export interface PlanTypeField {
  Group?: number;
  Default?: 'Unrestricted' | 'Fixed' | 'Variable';
  UnrestrictedTokens?: string[];
  FixedTokens?: string[];
  VariableTokens?: string[];
}

/** Named fields tied to the Pattern's capturing groups. */
export interface MessageFields {
  Usage?: NumberField;
  UsagePercentage?: PercentField;
  UsageTimestamp?: DateTimeField;
  UsageOverage?: NumberField;
  UsageOveragePercentage?: PercentField;
  DataLimit?: NumberField;
  OverDataLimit?: BooleanField;
  Congested?: BooleanField;
  InboundBandwidth?: NumberField;
  OutboundBandwidth?: NumberField;
  PlanType?: PlanTypeField;
  RefreshProvisioning?: BooleanField;
  ActivationComplete?: BooleanField;
}

/** Unit tokens as they appear in messages, per unit. */
export interface MessageUnits {
  K?: string[];
  M?: string[];
  G?: string[];
  T?: string[];
  Ki?: string[];
  Mi?: string[];
  Gi?: string[];
  Ti?: string[];
}

/** SMS bearer: the reserved sender the message must come from, exactly as received (international format). */
export interface SMSBearer {
  Sender?: string;
  /** Only class 0 (flash) messages; default true. */
  ClassZeroOnly?: boolean;
}

/** One operator message rule: which SMS/USSD texts Windows consumes and what it extracts from them. */
export interface Message {
  /** Identifier passed to the mobile broadband app in the MobileOperatorNotification event. */
  RuleId?: string;
  /** true (default): MobileOperatorNotification event only; false: SmsMessageReceived event. */
  Silent?: boolean;
  SMSBearer?: SMSBearer[];
  /** Present when the rule applies to USSD. */
  USSDBearer?: Record<string, never>;
  /** Regular expression matched against the text; `[^]*` matches every message. */
  Pattern: string;
  /** Locale for numbers and dates, default English_United States.1252. */
  Locale?: string;
  Units?: MessageUnits;
  Fields?: MessageFields;
}

/** Messages: the operator SMS/USSD parsing rules. */
export interface Messages {
  Message: Message[];
}

const number = attrs({ Group: 'integer', UnitGroup: 'integer', DefaultUnit: 'token' });
const percent = attrs({ Group: 'integer' });
const flag = attrs({ TrueToken: 'token', FalseToken: 'token', Default: 'boolean', Group: 'integer' });
const field = (name: string, a: ReturnType<typeof attrs>): ElementSpec => ({ name, ns: NS.wwan, attrs: a });

/** How the Messages section is written and read: its elements, attributes and their order (see spec.ts). */
export const messagesSpec: ElementSpec = {
  name: 'Messages',
  ns: NS.wwan,
  children: [
    {
      name: 'Message',
      ns: NS.wwan,
      many: true,
      always: true,
      attrs: attrs({ RuleId: 'token', Silent: 'boolean' }),
      children: [
        {
          name: 'SMSBearer',
          ns: NS.wwan,
          many: true,
          attrs: attrs({ Sender: 'token', ClassZeroOnly: 'boolean' }),
        },
        { name: 'USSDBearer', ns: NS.wwan },
        leaf('Pattern', NS.wwan, 'string'),
        leaf('Locale', NS.wwan, 'token'),
        {
          name: 'Units',
          ns: NS.wwan,
          attrs: attrs({
            K: 'tokens',
            M: 'tokens',
            G: 'tokens',
            T: 'tokens',
            Ki: 'tokens',
            Mi: 'tokens',
            Gi: 'tokens',
            Ti: 'tokens',
          }),
        },
        {
          name: 'Fields',
          ns: NS.wwan,
          children: [
            field('Usage', number),
            field('UsagePercentage', percent),
            field(
              'UsageTimestamp',
              attrs({ Format: 'string', Group: 'integer', AmToken: 'string', PmToken: 'string' }),
            ),
            field('UsageOverage', number),
            field('UsageOveragePercentage', percent),
            field('DataLimit', number),
            field('OverDataLimit', flag),
            field('Congested', flag),
            field('InboundBandwidth', number),
            field('OutboundBandwidth', number),
            field(
              'PlanType',
              attrs({
                Group: 'integer',
                Default: 'token',
                UnrestrictedTokens: 'tokens',
                FixedTokens: 'tokens',
                VariableTokens: 'tokens',
              }),
            ),
            field('RefreshProvisioning', flag),
            field('ActivationComplete', flag),
          ],
        },
      ],
    },
  ],
};
