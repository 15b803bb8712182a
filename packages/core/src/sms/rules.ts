// Which rules apply to a message: bearer, sender, class 0, and the compiled whole-text Pattern.
import type { Message, Messages } from '../model/messages.ts';
import { compilePattern } from '../rules/message-rules.ts';
import type { OperatorMessage } from './types.ts';

/** A rule's Pattern compiled for evaluation: anchored so that it must match the whole text. */
export interface CompiledRule {
  /** The Message the entry was compiled from, and its Pattern then (a changed rule is compiled again). */
  message: Message;
  pattern: string;
  /** Absent when the Pattern does not compile. */
  regex?: RegExp;
  error?: string;
}

const caches = new WeakMap<Messages | Message[], CompiledRule[]>();

/** Compiles one Pattern as `^(?:Pattern)$`, after checking the Pattern compiles on its own (so "a)|(b" stays invalid). */
export function compileRule(message: Message): CompiledRule {
  const checked = compilePattern(message.Pattern);
  if ('error' in checked) return { message, pattern: message.Pattern, error: checked.error };
  return { message, pattern: message.Pattern, regex: new RegExp(`^(?:${message.Pattern})$`) };
}

/** The compiled-rule cache of a rule set (a Messages object or a Message array), created on first use. */
export function compiledRules(rules: Messages | Message[]): CompiledRule[] {
  let cache = caches.get(rules);
  if (!cache) {
    cache = [];
    caches.set(rules, cache);
  }
  return cache;
}

/**
 * The compiled rule at `index` of a rule set's cache. An entry is reused while it was compiled from the same
 * Message object with the same Pattern; otherwise the rule is compiled again (rules edited in place stay right).
 */
export function compiledRule(cache: CompiledRule[], index: number, message: Message): CompiledRule {
  const hit = cache[index];
  if (hit && hit.message === message && hit.pattern === message.Pattern) return hit;
  const fresh = compileRule(message);
  cache[index] = fresh;
  return fresh;
}

/** How far a message gets through a rule's bearer checks. */
export type BearerCheck = 'ok' | 'bearer' | 'sender' | 'class';

/**
 * Whether the rule accepts the message's bearer: USSD when it has USSDBearer; SMS when one of its SMSBearer
 * elements has no Sender or exactly the received sender, and (ClassZeroOnly, default true) the SMS is class 0.
 */
export function checkBearer(rule: Message, message: OperatorMessage): BearerCheck {
  if (message.bearer === 'ussd') return rule.USSDBearer !== undefined ? 'ok' : 'bearer';
  const bearers = rule.SMSBearer;
  if (!bearers?.length) return 'bearer';
  let senderMatched = false;
  for (const bearer of bearers) {
    if (bearer.Sender !== undefined && bearer.Sender !== message.sender) continue;
    senderMatched = true;
    if ((bearer.ClassZeroOnly ?? true) && message.classZero !== true) continue;
    return 'ok';
  }
  return senderMatched ? 'class' : 'sender';
}
