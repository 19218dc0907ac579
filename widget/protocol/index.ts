/**
 * The host ⇄ frame message protocol. No DOM and no dependencies: both sides import it.
 * Every message is an envelope `{ tg, id, type, payload }`; `tg` is the protocol's major
 * version. Anything that does not validate is ignored by the receiver (and counted).
 */
export { PROTOCOL_VERSION, envelope, isSafeName, parseEnvelope, randomId, type Envelope } from './envelope';
export {
  APP_ID,
  FRAME_KINDS,
  NONCE,
  createCounters,
  readMessage,
  type Counters,
  type Counts,
  type EventPayload,
  type FrameKind,
  type HelloPayload,
  type IgnoredReason,
  type Message,
  type MessageType,
  type Payloads,
  type ReadResult,
  type ReadyPayload,
  type RemoteError,
  type RequestPayload,
  type ResponsePayload,
} from './messages';
export { ProtocolError, isProtocolError, type ProtocolErrorCode } from './errors';
export { DEFAULT_TIMEOUT_MS, createPortEndpoint, type Handler, type PortEndpoint, type PortEndpointOptions, type PortLike } from './port';
