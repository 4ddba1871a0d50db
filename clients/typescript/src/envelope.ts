// The broadcast envelope: its wire names, its scopes and its TypeScript types, in this one file.
// test/envelope-contract.test.mjs checks them against TenantRealtime.Abstractions (TenantRealtimeWire.EnvelopeFields,
// TenantRealtimeWire.Scopes and TenantEnvelope.cs), so a field or scope added or retyped on the server fails the build
// here instead of surprising a browser.

/** The envelope's field names, in the order TenantRealtimeWire.EnvelopeFields declares them. */
export const ENVELOPE_FIELDS = [
  "type",
  "data",
  "timestamp",
  "scope",
  "organizationId",
  "tenantId",
  "userId",
  "room",
  "seq",
  "epoch",
  "topic",
] as const;

/** One of the envelope's field names. */
export type EnvelopeField = (typeof ENVELOPE_FIELDS)[number];

/**
 * How a scope is spelled on the wire, as TenantRealtimeWire.Scopes declares them (same order): the envelope's `scope`,
 * and `organization` / `tenant` in presence (`PresenceScope`) and topics (`TopicScope`).
 */
export const Scopes = {
  all: "all",
  organization: "organization",
  tenant: "tenant",
  user: "user",
  /** A broadcast to the subscribers of one topic (`topic`, `organizationId` and, for a tenant topic, `tenantId` name it). */
  topic: "topic",
} as const;

/** Who a broadcast was addressed to. */
export type BroadcastScope = (typeof Scopes)[keyof typeof Scopes];

/**
 * What every broadcast carries. The ids are present for the scopes that have them; `room`, `seq` and `epoch` are
 * absent (JSON) or null (MessagePack) when the server runs with recovery disabled.
 */
export interface TenantEnvelope<TData = unknown> {
  /** What happened, for example `created`. */
  type: string;
  /** The payload, as the server serialized it. */
  data: TData;
  /** When it was sent, ISO-8601 UTC. */
  timestamp: string;
  /** The scope the broadcast was addressed to. */
  scope: BroadcastScope;
  /** The organization of an organization, tenant or user broadcast. */
  organizationId?: string | null;
  /** The tenant of a tenant broadcast. */
  tenantId?: string | null;
  /** The user of a user broadcast. */
  userId?: string | null;
  /** The key of the room the broadcast was sent to, for example `tenant:org-a:t1`. */
  room?: string | null;
  /** The broadcast's position in its room: 1, 2, 3, … without gaps. */
  seq?: number | null;
  /** The identity of the room's history; it changes when that history is lost. */
  epoch?: string | null;
  /** The topic of a topic broadcast (scope `topic`); absent otherwise. */
  topic?: string | null;
}
