/** Reading what a page's address or a form carries, with the API's own schemas where it has them. */
import { SeasonSchema, WeekSchema } from "../http/schemas";
import { ApiError } from "../http/errors";
import { DisplayNameSchema } from "../routes/accounts";
import type { WebContext } from "./viewer";

export function optionalSeason(value: string | undefined): number | undefined {
  const parsed = SeasonSchema.safeParse(value);
  return value !== undefined && value !== "" && parsed.success ? parsed.data : undefined;
}

export function optionalWeek(value: string | undefined): number | undefined {
  const parsed = WeekSchema.safeParse(value);
  return value !== undefined && value !== "" && parsed.success ? parsed.data : undefined;
}

/** A positive integer id from the path, or 404 with the given error. */
export function pathId(value: string | undefined, notFound: ApiError): number {
  if (value === undefined || !/^[1-9]\d{0,15}$/.test(value)) throw notFound;
  return Number(value);
}

/** The form's fields as text (a file field counts as absent). */
export async function formFields(c: WebContext): Promise<Record<string, string>> {
  const type = c.req.header("content-type") ?? "";
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)) return {};
  const body = await c.req.parseBody();
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) if (typeof value === "string") fields[key] = value;
  return fields;
}

/** The "Display name" field of the forms that make an account (joining, signing up), by the API's rule, or 400. */
export function displayNameOf(value: string | undefined): string {
  const name = DisplayNameSchema.safeParse(value ?? "");
  if (!name.success) {
    throw new ApiError("validation_failed", "Choose a display name of 1 to 60 characters (letters, digits, spaces and punctuation).", [
      { field: "body.name", problem: name.error.issues[0]?.message ?? "invalid" },
    ]);
  }
  return name.data;
}
