/**
 * An answer that is an error: `application/problem+json` (RFC 9457) with `status` (the HTTP
 * status), `title` (the status's meaning) and `detail` (what went wrong here).
 */
export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  readonly status: number;
  readonly headers: Record<string, string>;

  constructor(status: number, detail: string, headers: Record<string, string> = {}) {
    super(detail);
    this.status = status;
    this.headers = headers;
  }
}

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** The problem as an answer. */
export function problem(status: number, detail: string, headers: Record<string, string> = {}): { status: number; headers: Record<string, string>; body: string } {
  const body = JSON.stringify({ type: 'about:blank', status, title: titles[status] ?? 'Error', detail });
  return { status, headers: { 'content-type': 'application/problem+json', ...headers }, body };
}
