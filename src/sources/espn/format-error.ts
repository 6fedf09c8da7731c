/** An ESPN response without the shape its parser relies on (an error page, a changed API, a wrong endpoint). */
export class EspnFormatError extends Error {
  override readonly name = "EspnFormatError";
}

/** Where a validation failed, for messages: 'header.competitions.0.competitors'. */
export function issuePath(issue: { path: readonly PropertyKey[] } | undefined): string {
  return issue ? issue.path.map(String).join(".") || "(root)" : "(root)";
}
