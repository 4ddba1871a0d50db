// Hub methods, events, error codes and the shapes of their arguments and results (TenantRealtimeWire and the wire
// contract). The envelope lives in envelope.ts.

/** Hub methods a client invokes. */
export const HubMethods = {
  authenticate: "Authenticate",
  joinOrganization: "JoinOrganization",
  leaveOrganization: "LeaveOrganization",
  ping: "Ping",
  resume: "Resume",
} as const;

/** Events the server sends besides broadcasts. */
export const HubEvents = {
  authenticated: "authenticated",
  pong: "pong",
} as const;

/** Error codes: a failed invocation's message ends with `HubException: <code>: <sentence>`; closes carry `<code>: <sentence>`. */
export const ErrorCodes = {
  invalidArgument: "invalid-argument",
  forbidden: "forbidden",
  unauthenticated: "unauthenticated",
  rateLimited: "rate-limited",
  limitExceeded: "limit-exceeded",
  slowConsumer: "slow-consumer",
} as const;

/** Where a client stands in a room: the last `seq` applied and the `epoch` it belongs to. */
export interface RoomPosition {
  room: string;
  epoch: string;
  seq: number;
}

/** The server's answer about one room of a `Resume`. */
export interface RoomResumeResult {
  room: string;
  /** Whether everything after the position was replayed (before this answer). */
  recovered: boolean;
  /** How many broadcasts were replayed. */
  replayed: number;
  /** Why not recovered, for example `forbidden` for a room the connection does not hold. */
  error?: string | null;
}

/** The answer to `Resume`, one entry per position asked about. */
export interface ResumeResult {
  rooms: RoomResumeResult[];
}

/** The answer to `Authenticate` (also sent as the `authenticated` event). */
export interface AuthenticateResult {
  success: boolean;
  clientId: string;
  userId: string | null;
  organizationId: string | null;
  tenantId: string | null;
  role: string | null;
  rooms: string[];
  timestamp: string;
  /** The current position of every room in `rooms` (empty with recovery off; absent from older servers). */
  positions?: RoomPosition[] | null;
}

/** The answer to `JoinOrganization`. */
export interface JoinOrganizationResult {
  success: boolean;
  organizationId: string;
  room: string;
  /** The room's current position (absent with recovery off and from older servers). */
  position?: RoomPosition | null;
}
