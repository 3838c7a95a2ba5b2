/**
 * How the frames a protocol makes as strings become bytes. A string is cheaper to make and to
 * join than a Buffer per message, so small frames are strings, joined once per tick
 * (transport/write-batch.ts) and handed to the socket with an encoding. What the encoding
 * cannot write exactly is the protocol's business: JSON frames are UTF-8 and always can be;
 * advanced frames are Latin-1, and the rare one that holds a character past U+00FF is framed
 * again as bytes (codec/structured.ts). Asking once per batch, not once per message, is the
 * point: the question costs as much as making a small frame.
 */
export interface TextFrames {
  /** The encoding a string of whole frames is written in. */
  readonly encoding: 'utf8' | 'latin1';
  /** Whether `text` (whole frames, joined) is written exactly in {@link encoding} as it is. */
  writable(text: string): boolean;
  /** The bytes of `text` (whole frames, joined), writable or not. */
  bytes(text: string): Buffer;
}

/** Text frames of the JSON protocols: UTF-8 writes any string. */
export const UTF8_FRAMES: TextFrames = {
  encoding: 'utf8',
  writable: () => true,
  bytes: (text) => Buffer.from(text, 'utf8'),
};
