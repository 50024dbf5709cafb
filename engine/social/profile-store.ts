// Profiles live on the members table (owned by identity); this store reads and writes only the profile columns.
import type { PlatformRole } from '../access/roles.js';
import { summaryColumns, summaryFrom } from './member-summary.js';
import type { ProfilePatch } from './profile-rules.js';
import type { Queryable } from '../../db/queryable.js';
import type { ExperienceEntry, MemberSummary } from './types.js';

export interface ProfileRecord extends MemberSummary {
  email: string;
  experience: ExperienceEntry[];
  platformRoles: PlatformRole[];
  createdAt: string;
  updatedAt: string;
}

interface Row extends Record<string, unknown> {
  email: string;
  experience: ExperienceEntry[];
  platform_roles: PlatformRole[];
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `${summaryColumns('m', '')}, m.email, m.experience, m.platform_roles, m.created_at, m.updated_at`;

/** Patch fields and the columns they write. */
const PATCH_COLUMNS: Record<keyof ProfilePatch, string> = {
  displayName: 'display_name',
  headline: 'headline',
  company: 'company',
  photoUrl: 'photo_url',
  experience: 'experience',
};

export class ProfileStore {
  constructor(private readonly db: Queryable) {}

  async get(memberId: string): Promise<ProfileRecord | undefined> {
    const { rows } = await this.db.query<Row>(`SELECT ${COLUMNS} FROM members m WHERE m.id = $1`, [memberId]);
    return rows[0] && toRecord(rows[0]);
  }

  async exists(memberId: string): Promise<boolean> {
    const { rows } = await this.db.query('SELECT 1 FROM members WHERE id = $1', [memberId]);
    return rows.length > 0;
  }

  async update(memberId: string, patch: ProfilePatch): Promise<ProfileRecord | undefined> {
    const sets: string[] = [];
    const values: unknown[] = [memberId];
    for (const [key, column] of Object.entries(PATCH_COLUMNS) as [keyof ProfilePatch, string][]) {
      if (patch[key] === undefined) continue;
      values.push(key === 'experience' ? JSON.stringify(patch[key]) : patch[key]);
      sets.push(`${column} = $${values.length}${key === 'experience' ? '::jsonb' : ''}`);
    }
    sets.push('updated_at = now()');
    const { rows } = await this.db.query<Row>(`UPDATE members m SET ${sets.join(', ')} WHERE m.id = $1 RETURNING ${COLUMNS}`, values);
    return rows[0] && toRecord(rows[0]);
  }
}

function toRecord(r: Row): ProfileRecord {
  return {
    ...summaryFrom(r, ''),
    email: r.email,
    experience: r.experience,
    platformRoles: r.platform_roles,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}
