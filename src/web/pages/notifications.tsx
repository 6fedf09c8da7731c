/**
 * Notifications in the web app: the /me section (this device's push switch, the devices subscribed, the opt-ins per
 * kind, "Send me a test notification"), the league page's chat-webhook setting for its commissioner, and the service
 * worker at /sw.js. Forms post to the routes below, which call the services the /v1 notification routes call.
 */
import { Hono } from "hono";
import { NOTIFICATION_TOPICS } from "../../db/schema";
import { ApiError } from "../../http/errors";
import {
  deleteLeagueWebhook,
  deletePushSubscription,
  sendTestNotification,
  setLeagueWebhook,
  setPushPreferences,
  type LeagueWebhookView,
  type NotificationSettings,
} from "../../notifications/store";
import { SERVICE_WORKER } from "../assets/push-script";
import { Time } from "../components";
import { withFlash, type FlashCode } from "../flash";
import { CsrfField } from "../layout";
import { formFields, pathId } from "../params";
import { signedOutError } from "../problem";
import type { Viewer, WebBindings, WebContext } from "../viewer";

const TOPIC_LABELS: Record<(typeof NOTIFICATION_TOPICS)[number], string> = {
  reminders: "Remind me to pick: 24 hours and 1 hour before a game I have not picked (league members)",
  results: "The first TD of each game I picked, with my result (and a correction if it is regraded)",
  week_summary: "My leagues' week summary: the winners and how the board moved",
  member_joined: "Someone joined a league I run",
};

/** The "Notifications" section of /me. */
export function NotificationsSection(props: { settings: NotificationSettings; viewer: Viewer }) {
  const { push, preferences } = props.settings;
  return (
    <section aria-labelledby="notifications">
      <h2 id="notifications">Notifications</h2>
      {push.configured ? (
        <div id="push" data-vapid-key={push.publicKey ?? ""}>
          <p class="small muted">Push notifications arrive on each device where you turn them on, even with the page closed.</p>
          <button type="button" id="push-enable" hidden>
            Turn on notifications on this device
          </button>
          <button type="button" id="push-disable" class="secondary" hidden>
            Turn off notifications on this device
          </button>
          <p class="muted" data-needs-push="">
            Push notifications need JavaScript and a browser that supports them.
          </p>
          <p id="push-status" role="status"></p>
        </div>
      ) : (
        <p>Push notifications are not set up on this server.</p>
      )}
      {push.subscriptions.length > 0 ? (
        <ul class="list" aria-label="Devices that get notifications">
          {push.subscriptions.map((device) => (
            <li class="card" data-endpoint={device.endpoint} data-id={String(device.id)}>
              <strong>{device.service}</strong>
              <span class="small muted">
                {" · since "}
                <Time at={device.createdAt} />
                {device.lastSuccessAt ? (
                  <>
                    {" · last delivered "}
                    <Time at={device.lastSuccessAt} />
                  </>
                ) : null}
                {device.lastError ? ` · last problem: ${device.lastError}` : null}
              </span>
              <form method="post" action={`/me/push-subscriptions/${device.id}/delete`}>
                <CsrfField viewer={props.viewer} />
                <button type="submit" class="danger">
                  Stop<span class="sr">{` notifications to ${device.service} device ${device.id}`}</span>
                </button>
              </form>
            </li>
          ))}
        </ul>
      ) : null}
      <form method="post" action="/me/notifications">
        <CsrfField viewer={props.viewer} />
        <fieldset>
          <legend>Send me push notifications for</legend>
          {NOTIFICATION_TOPICS.map((topic) => (
            <div class="check">
              <input id={`notify-${topic}`} type="checkbox" name={topic} value="on" checked={preferences.push[topic]} />
              <label for={`notify-${topic}`}>{TOPIC_LABELS[topic]}</label>
            </div>
          ))}
        </fieldset>
        <button type="submit">Save notification choices</button>
      </form>
      {push.configured ? (
        <form method="post" action="/me/notifications/test">
          <CsrfField viewer={props.viewer} />
          <button type="submit" class="secondary" id="push-test">
            Send me a test notification
          </button>
        </form>
      ) : null}
    </section>
  );
}

/** The league page's chat-webhook setting (its commissioner only): where it posts, never the URL. */
export function LeagueWebhookSection(props: { webhook: LeagueWebhookView; leagueId: number; viewer: Viewer }) {
  const { webhook } = props;
  return (
    <section aria-labelledby="webhook">
      <h2 id="webhook">Chat webhook</h2>
      <p class="small muted">
        Post the league's week summaries to a Discord or Slack channel: paste the channel's incoming-webhook URL. It is
        kept secret: after saving, only its host is shown.
      </p>
      {webhook.configured ? (
        <p>
          {`Posting to ${webhook.provider === "slack" ? "Slack" : "Discord"} (${webhook.host}), set `}
          <Time at={webhook.setAt!} />
          {webhook.lastError ? `. Last problem: ${webhook.lastError}` : ""}
        </p>
      ) : (
        <p>No webhook is set.</p>
      )}
      <form method="post" action={`/leagues/${props.leagueId}/webhook`} class="row">
        <CsrfField viewer={props.viewer} />
        <div class="field">
          <label for="webhook-url">Incoming webhook URL</label>
          <input id="webhook-url" name="url" type="url" required maxlength={500} autocomplete="off" placeholder="https://discord.com/api/webhooks/…" />
        </div>
        <button type="submit">{webhook.configured ? "Replace webhook" : "Set webhook"}</button>
      </form>
      {webhook.configured ? (
        <form method="post" action={`/leagues/${props.leagueId}/webhook/delete`}>
          <CsrfField viewer={props.viewer} />
          <button type="submit" class="danger">
            Remove webhook
          </button>
        </form>
      ) : null}
    </section>
  );
}

async function act(c: WebContext, back: (viewer: Viewer) => string, run: (viewer: Viewer, fields: Record<string, string>) => Promise<FlashCode>) {
  const viewer = c.get("viewer");
  if (!viewer) throw signedOutError();
  const fields = await formFields(c);
  const code = await run(viewer, fields);
  return c.redirect(withFlash(back(viewer), code), 303);
}

const leagueIdOf = (c: WebContext) => pathId(c.req.param("id"), new ApiError("league_not_found", "No such league."));

export const notificationWebRoutes = new Hono<WebBindings>()
  .get("/sw.js", (c) => {
    c.header("content-type", "text/javascript; charset=utf-8");
    // A worker script is checked for updates on every navigation; a day's cache at most (browsers cap it anyway).
    c.header("cache-control", "no-cache");
    c.header("service-worker-allowed", "/");
    return c.body(SERVICE_WORKER, 200);
  })
  .post("/me/notifications", (c) =>
    act(c, () => "/me#notifications", async (viewer, fields) => {
      const changes = Object.fromEntries(NOTIFICATION_TOPICS.map((topic) => [topic, fields[topic] === "on"]));
      await setPushPreferences(c.get("db"), viewer.userId, changes, new Date());
      return "notifications-saved";
    }),
  )
  .post("/me/notifications/test", (c) =>
    act(c, () => "/me#notifications", async (viewer) => {
      await sendTestNotification(c.get("db"), c.env, viewer.userId, new Date());
      return "test-notification-sent";
    }),
  )
  .post("/me/push-subscriptions/:id/delete", (c) =>
    act(c, () => "/me#notifications", async (viewer) => {
      await deletePushSubscription(c.get("db"), viewer.userId, pathId(c.req.param("id"), new ApiError("not_found", "No such device.")));
      return "push-device-removed";
    }),
  )
  .post("/leagues/:id/webhook", (c) =>
    act(c, () => `/leagues/${c.req.param("id")}#webhook`, async (viewer, fields) => {
      await setLeagueWebhook(c.get("db"), c.env, { leagueId: leagueIdOf(c), userId: viewer.userId, url: fields.url ?? "" }, new Date());
      return "webhook-saved";
    }),
  )
  .post("/leagues/:id/webhook/delete", (c) =>
    act(c, () => `/leagues/${c.req.param("id")}#webhook`, async (viewer) => {
      await deleteLeagueWebhook(c.get("db"), { leagueId: leagueIdOf(c), userId: viewer.userId });
      return "webhook-removed";
    }),
  );
