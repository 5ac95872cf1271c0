/**
 * The scopes a credential may allow and a token may carry; a credential allows both unless restricted. Apart
 * from the other rules so that the browser's scope pickers import only these lines.
 */
export const CREDENTIAL_SCOPES = ['sdk', 'api'] as const;
export type CredentialScope = (typeof CREDENTIAL_SCOPES)[number];

/** What each scope opens, for the pickers and the metadata. */
export const SCOPE_DESCRIPTIONS: Record<CredentialScope, string> = {
  sdk: 'Mobile and web SDK sessions',
  api: 'REST API calls',
};
