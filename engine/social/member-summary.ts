// SQL columns and row mapping for a member summary, joined into many social queries under a prefix.
import type { MemberSummary } from './types.js';

export function summaryColumns(alias: string, prefix: string): string {
  return [
    `${alias}.id AS ${prefix}id`,
    `${alias}.display_name AS ${prefix}display_name`,
    `${alias}.headline AS ${prefix}headline`,
    `${alias}.company AS ${prefix}company`,
    `${alias}.photo_url AS ${prefix}photo_url`,
  ].join(', ');
}

export function summaryFrom(row: Record<string, unknown>, prefix: string): MemberSummary {
  return {
    id: row[`${prefix}id`] as string,
    displayName: row[`${prefix}display_name`] as string,
    headline: row[`${prefix}headline`] as string,
    company: row[`${prefix}company`] as string,
    photoUrl: (row[`${prefix}photo_url`] as string | null) ?? null,
  };
}
