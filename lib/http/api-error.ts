/**
 * The one shape of every error `/api/v1` answers, whichever server answers it: a sentence for
 * people and a code for programs (`{"error": "no such campaign", "code": "NOT_FOUND"}`), plus the
 * problems one by one where there are several. Codes used across endpoints: INVALID (400, 415),
 * UNAUTHENTICATED (401), FORBIDDEN (403), NOT_FOUND (404), TOO_LARGE (413), INTERNAL (500);
 * an endpoint may add its own (a vote's EXPIRED, a worker's LEASE_LOST, EXPORTS_BUSY).
 */
export interface ApiError {
  error: string;
  code: string;
  /** The problems one by one (an invalid filter's fields, an import's line-numbered errors). */
  details?: readonly unknown[];
}

export function apiError(code: string, error: string, details?: readonly unknown[]): ApiError {
  return details ? { error, code, details } : { error, code };
}

/** An answer of an endpoint's own steps, before a server writes it: its status and JSON body. */
export interface JsonAnswer<Body> {
  httpStatus: number;
  body: Body | ApiError;
}

export function refusal(httpStatus: number, code: string, error: string, details?: readonly unknown[]): JsonAnswer<never> {
  return { httpStatus, body: apiError(code, error, details) };
}
