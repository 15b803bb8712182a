/** @mbprov/simulator public API. */
export {};
