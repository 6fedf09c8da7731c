/**
 * Where the web app lives: the origin the browser reports in a passkey's client data, whose host is the passkeys' RP
 * ID, and the base of one-time sign-in links. The WEB_ORIGIN var when set (the app served from another host than the
 * Worker's), else the origin of the request itself (the app and the API on one host). The RP ID is the origin's host
 * name: 'localhost' works over plain http://localhost (browsers treat it as secure), an IP address never does.
 */
import type { Context } from "hono";
import type { AppBindings } from "../env";
import type { RelyingParty } from "../services/passkeys";
import { ApiError } from "./errors";

export const RP_NAME = "firsttd";

export function webOrigin(c: Context<AppBindings>): string {
  const configured = c.env.WEB_ORIGIN?.trim();
  if (!configured) return new URL(c.req.url).origin;
  try {
    return new URL(configured).origin;
  } catch {
    throw new ApiError("server_misconfigured", "The WEB_ORIGIN var is not an origin such as https://firsttd.example.");
  }
}

export function relyingParty(c: Context<AppBindings>): RelyingParty {
  const origin = webOrigin(c);
  return { id: new URL(origin).hostname, name: RP_NAME, origin };
}
