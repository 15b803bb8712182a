import { type CarrierProvisioning, carrierProvisioningSpec } from '../model/carrier-provisioning.ts';
import { type WriteOptions, writeElement } from './write.ts';

/** Options of {@link buildDocument}. */
export interface BuildOptions extends WriteOptions {
  /** Write the `<?xml version="1.0" encoding="utf-8"?>` declaration (default true). */
  declaration?: boolean;
}

/**
 * Writes a model as a CarrierProvisioning document: sections and elements in schema order, each section's
 * elements in their own namespace (declared as the default namespace where it changes, as in the published examples).
 */
export function buildDocument(model: CarrierProvisioning, options: BuildOptions = {}): string {
  const body = writeElement(carrierProvisioningSpec, model, null, options);
  return options.declaration === false ? `${body}\n` : `<?xml version="1.0" encoding="utf-8"?>\n${body}\n`;
}
