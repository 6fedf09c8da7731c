import { Hono } from "hono";
import type { AppBindings } from "./env";
import { createDatabase } from "./db/client";
import { healthRoutes } from "./routes/health";

export function createApp() {
  const app = new Hono<AppBindings>();
  app.use("*", async (c, next) => {
    c.set("requestId", c.req.header("cf-ray") ?? crypto.randomUUID());
    c.set("db", createDatabase(c.env.DB));
    await next();
    c.header("x-request-id", c.get("requestId"));
  });
  app.route("/", healthRoutes);
  return app;
}

export const app = createApp();
export type App = typeof app;
