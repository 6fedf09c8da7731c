import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppBindings } from "../env";
import { validationHook } from "./validation";

export function createRouter() {
  return new OpenAPIHono<AppBindings>({ defaultHook: validationHook });
}
