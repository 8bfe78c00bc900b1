// Small, valid image files standing in for generated images. Each carries a text comment
// describing how it was asked for (model, prompt, size, seed, index), so tests can tell the
// images of one answer apart and check what reached the model.
import { crc32, deflateSync } from "node:zlib";

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A 1×1 RGB PNG with a tEXt "Comment" chunk. */
export function fakePng(comment: string): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(2, 9); // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("tEXt", Buffer.from(`Comment\0${comment}`, "latin1")),
    chunk("IDAT", deflateSync(Buffer.from([0, 0x33, 0x99, 0xcc]))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A JPEG made of SOI, one COM segment and EOI: enough for a client to recognise the type. */
export function fakeJpeg(comment: string): Buffer {
  const text = Buffer.from(comment, "latin1").subarray(0, 65_000);
  const len = Buffer.alloc(2);
  len.writeUInt16BE(text.length + 2);
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xfe]), len, text, Buffer.from([0xff, 0xd9])]);
}

/** A RIFF/WEBP container holding the comment. */
export function fakeWebp(comment: string): Buffer {
  const data = Buffer.from(comment, "latin1");
  const size = Buffer.alloc(4);
  size.writeUInt32LE(4 + data.length);
  return Buffer.concat([Buffer.from("RIFF", "latin1"), size, Buffer.from("WEBP", "latin1"), data]);
}

/** The comment a fake image carries (for tests), or undefined. */
export function fakeImageComment(bytes: Buffer): string | undefined {
  const png = bytes.indexOf("Comment\0", 0, "latin1");
  if (png >= 0) {
    const end = bytes.indexOf("IDAT", png, "latin1");
    return bytes.subarray(png + 8, end - 8).toString("latin1");
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return bytes.subarray(6, bytes.length - 2).toString("latin1");
  if (bytes.subarray(0, 4).toString("latin1") === "RIFF") return bytes.subarray(12).toString("latin1");
  return undefined;
}
