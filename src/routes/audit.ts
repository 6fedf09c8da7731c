import { createRoute, z } from "@hono/zod-openapi";
import { requireAdmin } from "../http/auth";
import { createRouter } from "../http/router";
import { errorResponses, security } from "../http/schemas";
import { AUDIT_ACTIONS, listAudit } from "../services/audit";

const AuditEntrySchema = z
  .object({
    id: z.number().int(),
    at: z.string(),
    actor: z.string().openapi({ description: "Who: 'user:<id>' (an admin user) or 'admin_token' (the operator)" }),
    action: z.string().openapi({ enum: [...AUDIT_ACTIONS] }),
    targetUserId: z.number().int().nullable(),
    targetTokenId: z.number().int().nullable(),
    detail: z.record(z.string(), z.unknown()).nullable().openapi({ description: "What changed, and `credential`: the token the actor used" }),
  })
  .openapi("AuditEntry");

const listAuditRoute = createRoute({
  method: "get",
  path: "/admin/audit",
  operationId: "listAudit",
  tags: ["Admin"],
  summary: "What admins and the operator did to users and tokens, newest first (admin)",
  security,
  request: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(200).default(50),
      before: z.coerce.number().int().positive().optional().openapi({ description: "Entries with an id below this one: the previous answer's nextBefore" }),
      userId: z.coerce.number().int().positive().optional().openapi({ description: "Only the entries about this user" }),
    }),
  },
  responses: {
    200: {
      description: "Entries",
      content: { "application/json": { schema: z.object({ entries: z.array(AuditEntrySchema), nextBefore: z.number().int().nullable() }) } },
    },
    ...errorResponses(403),
  },
});

export const auditRoutes = createRouter().openapi(listAuditRoute, async (c) => {
  requireAdmin(c);
  return c.json(await listAudit(c.get("db"), c.req.valid("query")), 200);
});
