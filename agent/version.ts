/** Reported to the console at every connection; bump with the package version. */
export const agentVersion = '0.1.0';
