/**
 * The `auditSyslog` configuration block: where audit entries are shipped as RFC 5424 syslog messages. Absent: the
 * log stays on the console only.
 */
import { z } from 'zod';

/** RFC 5424 §6.2.1 facility codes. */
export const syslogFacilities = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9, authpriv: 10, ftp: 11,
  ntp: 12, security: 13, console: 14, 'solaris-cron': 15,
  local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
} as const;

export const auditSyslogSchema = z
  .object({
    /** The receiver: a host name or an IP address. */
    host: z.string().min(1).max(253).regex(/^[A-Za-z0-9._:-]+$/, 'a host name or an IP address'),
    /** Default 514 for udp and tcp, 6514 for tls (RFC 5425). */
    port: z.number().int().min(1).max(65535).optional(),
    /** `udp` (RFC 5426), `tcp` (RFC 6587, octet counting) or `tls` (RFC 5425; the certificate is always verified). */
    transport: z.enum(['udp', 'tcp', 'tls']),
    /** A name (`local0`, `auth`, …) or its number 0–23. Default local0 (16). */
    facility: z
      .union([z.enum(Object.keys(syslogFacilities) as [keyof typeof syslogFacilities, ...(keyof typeof syslogFacilities)[]]), z.number().int().min(0).max(23)])
      .default('local0'),
    /** APP-NAME in every message: printable ASCII, no spaces, at most 48 characters. */
    appName: z.string().regex(/^[\x21-\x7e]{1,48}$/, 'printable ASCII without spaces, at most 48 characters').default('gatehouse'),
    /** tls only: a PEM file of the CA(s) the receiver's certificate must chain to; default the system's CAs. */
    ca: z.string().min(1).optional(),
  })
  .strict()
  .refine((c) => c.ca === undefined || c.transport === 'tls', { message: 'only used with transport "tls"', path: ['ca'] });

export type AuditSyslogConfig = z.output<typeof auditSyslogSchema>;

/** The facility's number. */
export function facilityCode(facility: AuditSyslogConfig['facility']): number {
  return typeof facility === 'number' ? facility : syslogFacilities[facility];
}

export function syslogPort(config: AuditSyslogConfig): number {
  return config.port ?? (config.transport === 'tls' ? 6514 : 514);
}
