export const APP_VERSION = __MECHANICA_VERSION__

/** Part of every run's identity: results are reproducible per code version, not across them. */
export const CODE_VERSION = `${__MECHANICA_VERSION__}+${__MECHANICA_COMMIT__}`
