/** A delivery that did not reach its channel; the message says where and why (it is stored with the delivery). */
export class ChannelError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
  }
}

export const SEND_TIMEOUT_MS = 10_000;
