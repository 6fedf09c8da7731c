/**
 * Which URLs the Worker will POST to on a user's say-so. A push endpoint and a league's webhook URL both come from a
 * client, and the Worker sends requests to them from Cloudflare's network: left open, that is a request forgery tool
 * (SSRF) against whatever answers on the internet. So both are held to https and to the hosts of the services they
 * claim to be: the browsers' push services, Discord's and Slack's incoming webhooks. Nothing else is ever fetched.
 */

/** Push services of the browsers in use (Chrome/Edge/Opera via FCM, Firefox, Safari, legacy Edge via WNS). */
const PUSH_HOSTS = ["fcm.googleapis.com", "android.googleapis.com", "updates.push.services.mozilla.com", "web.push.apple.com"];
/** Host suffixes whose every subdomain is a push service (Windows Notification Service: *.notify.windows.com). */
const PUSH_HOST_SUFFIXES = [".push.apple.com", ".notify.windows.com", ".push.services.mozilla.com"];

export type WebhookProvider = "discord" | "slack";

export interface WebhookTarget {
  provider: WebhookProvider;
  host: string;
  /** The URL as it will be stored (normalized by URL parsing). */
  url: string;
}

function parseHttps(value: string): URL | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" || url.username || url.password || url.port) return null;
  return url;
}

/** The problem with a push endpoint (null: fine): https on a known push service's host, with no credentials or port. */
export function pushEndpointProblem(endpoint: string): string | null {
  const url = parseHttps(endpoint);
  if (!url) return "a push endpoint is an https URL without user, password or port";
  const host = url.hostname.toLowerCase();
  if (!PUSH_HOSTS.includes(host) && !PUSH_HOST_SUFFIXES.some((suffix) => host.endsWith(suffix))) {
    return `${host} is not a known push service (Chrome, Edge, Firefox and Safari's are)`;
  }
  return null;
}

/**
 * A league's webhook: Discord (https://discord.com/api/webhooks/<id>/<token>, also discordapp.com and the ptb/canary
 * hosts) or Slack (https://hooks.slack.com/services/... and /triggers/...). Null: not one of those.
 */
export function webhookTarget(value: string): WebhookTarget | null {
  const url = parseHttps(value.trim());
  if (!url) return null;
  const host = url.hostname.toLowerCase();
  if (["discord.com", "discordapp.com", "ptb.discord.com", "canary.discord.com"].includes(host) && /^\/api\/(v\d+\/)?webhooks\/\d+\/[\w-]+\/?$/.test(url.pathname)) {
    return { provider: "discord", host, url: url.href };
  }
  if (host === "hooks.slack.com" && /^\/(services|triggers|workflows)\/[\w/-]+$/.test(url.pathname)) {
    return { provider: "slack", host, url: url.href };
  }
  return null;
}
