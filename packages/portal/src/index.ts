/** @mbprov/portal public API. */
export {};
