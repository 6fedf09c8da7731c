/**
 * The admin audit (table `admin_audit`): every change an admin or the operator made to a user or a token, and every
 * one-time sign-in link issued (by the operator or a league's commissioner).
 */
import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import { adminAudit } from "../db/schema";
import type { Database } from "../env";
import { nowIso } from "../lib/clock";

export const AUDIT_ACTIONS = [
  "user.created",
  "user.admin_granted",
  "user.admin_revoked",
  "user.disabled",
  "user.enabled",
  "token.issued",
  "token.revoked",
  "sign_in_link.issued",
  /** The operator's invites (src/services/invites.ts): detail.inviteId, leagueId (null: a sign-up invite), expiresAt, maxUses. */
  "invite.created",
  "invite.revoked",
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Who did it: `actor` as callerLabel names them ('user:<id>', 'admin_token'); `credential` the token they used. */
export interface AuditActor {
  actor: string;
  credential: string;
}

export interface AuditEntryInput {
  action: AuditAction;
  /** An id, or a subquery finding the row the same batch creates. */
  targetUserId: number | SQL | null;
  targetTokenId?: number | SQL | null;
  detail?: Record<string, unknown>;
}

export interface AuditEntryView {
  id: number;
  at: string;
  actor: string;
  action: string;
  targetUserId: number | null;
  targetTokenId: number | null;
  detail: Record<string, unknown> | null;
}

/** The audit row of a change, for the same batch as the change itself (both or neither). */
export function auditStatement(db: Database, by: AuditActor, entry: AuditEntryInput, now: Date) {
  return db.insert(adminAudit).values({
    at: nowIso(now),
    actor: by.actor,
    action: entry.action,
    targetUserId: entry.targetUserId,
    targetTokenId: entry.targetTokenId ?? null,
    detail: JSON.stringify({ ...entry.detail, credential: by.credential }),
  });
}

/** Newest first (by id: the order the changes were made), `before` an id for the next page, optionally of one user. */
export async function listAudit(db: Database, query: { limit: number; before?: number; userId?: number }): Promise<{ entries: AuditEntryView[]; nextBefore: number | null }> {
  const rows = await db
    .select()
    .from(adminAudit)
    .where(and(query.before ? lt(adminAudit.id, query.before) : undefined, query.userId ? eq(adminAudit.targetUserId, query.userId) : undefined))
    .orderBy(desc(adminAudit.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  return {
    entries: page.map((row) => ({ ...row, detail: row.detail ? (JSON.parse(row.detail) as Record<string, unknown>) : null })),
    nextBefore: rows.length > query.limit ? page[page.length - 1]!.id : null,
  };
}
