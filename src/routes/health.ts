import { Hono } from "hono";
import type { AppBindings } from "../env";

export const healthRoutes = new Hono<AppBindings>().get("/health", async (c) => {
  try {
    const latest = await c.env.DB.prepare(
      "SELECT name, applied_at FROM d1_migrations ORDER BY id DESC LIMIT 1",
    ).first<{ name: string; applied_at: string }>();
    return c.json({ status: "ok", database: "reachable", migration: latest ?? null });
  } catch (error) {
    console.error(JSON.stringify({ msg: "health check failed", error: String(error) }));
    return c.json({ status: "degraded", database: "unreachable", migration: null }, 503);
  }
});
