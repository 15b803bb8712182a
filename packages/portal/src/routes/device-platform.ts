import type { DevicePlatform } from '../hotspot/device-profiles.ts';

/**
 * The platform a User-Agent names, for choosing which setup the completion page shows first (the others stay a
 * click away, so a wrong guess costs one click). Android before Linux, iOS before macOS: Android's agent holds
 * "Linux" and iOS' "like Mac OS X"; iPadOS 13 and later present themselves as a Mac, and get the same profile.
 * Each test is a literal search, linear in the header (itself bounded by the server's header limit).
 */
export function platformOf(userAgent: string | undefined): DevicePlatform | undefined {
  if (!userAgent) return undefined;
  if (userAgent.includes('Android')) return 'android';
  if (/iPhone|iPad|iPod|Macintosh|Mac OS X/.test(userAgent)) return 'apple';
  if (userAgent.includes('Windows')) return 'windows';
  return undefined;
}
