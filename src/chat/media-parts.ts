// OpenAI file (document), input_audio and video parts → Converse document / audio / video blocks,
// for models that accept them; a clear 400 naming the model otherwise.
import type { ContentBlock, DocumentFormat } from "../bedrock/converse-types.ts";
import { errors } from "../errors/gateway-error.ts";
import { documentName } from "../converse/document-names.ts";
import { parseDataUrl } from "../converse/image-input.ts";
import type { ConvertContext } from "./convert-context.ts";

type MediaPart =
  | { type: "input_audio"; input_audio: { data: string; format: string } }
  | { type: "file"; file: { file_data?: string; file_id?: string; filename?: string; citations?: unknown } }
  | { type: "video_url"; video_url: { url: string } };

const DOC_BY_MIME: Record<string, DocumentFormat> = {
  "application/pdf": "pdf",
  "text/csv": "csv",
  "application/msword": "doc",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
  "application/vnd.ms-excel": "xls",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
  "text/html": "html",
  "text/plain": "txt",
  "text/markdown": "md",
  "text/x-markdown": "md",
};
const DOC_EXTENSIONS = new Set<DocumentFormat>(["pdf", "csv", "doc", "docx", "xls", "xlsx", "html", "txt", "md"]);
const AUDIO_FORMATS = new Set([
  "mp3",
  "opus",
  "wav",
  "aac",
  "flac",
  "mp4",
  "ogg",
  "mkv",
  "mka",
  "x-aac",
  "m4a",
  "mpeg",
  "mpga",
  "pcm",
  "webm",
]);
const VIDEO_BY_MIME: Record<string, string> = {
  "video/mp4": "mp4",
  "video/quicktime": "mov",
  "video/x-matroska": "mkv",
  "video/webm": "webm",
  "video/x-flv": "flv",
  "video/mpeg": "mpeg",
  "video/x-ms-wmv": "wmv",
  "video/3gpp": "three_gp",
};

function documentFormat(mime: string, filename: string | undefined, bytes: Buffer): DocumentFormat | undefined {
  if (bytes.subarray(0, 5).toString("latin1") === "%PDF-") return "pdf";
  const ext = filename?.split(".").pop()?.toLowerCase();
  if (ext === "markdown") return "md";
  if (ext === "htm") return "html";
  if (ext && DOC_EXTENSIONS.has(ext as DocumentFormat)) return ext as DocumentFormat;
  return DOC_BY_MIME[mime.toLowerCase()];
}

export function convertMediaPart(p: MediaPart, ctx: ConvertContext, param: string): ContentBlock[] {
  const refuse = (what: string) =>
    errors.invalidRequest(`The model '${ctx.modelName}' does not accept ${what} input.`, param, "model_not_supported");
  switch (p.type) {
    case "file": {
      if (!ctx.caps.documentInput) throw refuse("document (file)");
      if (p.file.file_id && !p.file.file_data) {
        throw errors.invalidRequest(
          "file_id references are not supported by this gateway; send the file inline as file_data (a base64 data URL).",
          `${param}.file.file_id`,
          "unsupported_parameter",
        );
      }
      const parsed = p.file.file_data ? parseDataUrl(p.file.file_data) : undefined;
      if (!parsed)
        throw errors.invalidRequest("file_data must be a base64 data URL such as data:application/pdf;base64,…", `${param}.file.file_data`);
      if (parsed.bytes.length === 0) throw errors.invalidRequest("The file is empty.", `${param}.file.file_data`);
      const format = documentFormat(parsed.mediaType, p.file.filename, parsed.bytes);
      if (!format) {
        throw errors.invalidRequest(
          `Unsupported document type '${parsed.mediaType}'. Supported: PDF, CSV, DOC, DOCX, XLS, XLSX, HTML, TXT, MD.`,
          `${param}.file.file_data`,
        );
      }
      const citations =
        p.file.citations === true ||
        (typeof p.file.citations === "object" && (p.file.citations as { enabled?: unknown })?.enabled === true);
      if (citations && !ctx.caps.citations) throw refuse("citations on documents (citations)");
      return [
        {
          document: {
            format,
            name: documentName(p.file.filename, ctx.documentNames),
            source: { bytes: parsed.bytes.toString("base64") },
            ...(citations ? { citations: { enabled: true } } : {}),
          },
        },
      ];
    }
    case "input_audio": {
      if (!ctx.caps.audioInput) throw refuse("audio");
      const format = p.input_audio.format.toLowerCase();
      if (!AUDIO_FORMATS.has(format))
        throw errors.invalidRequest(`Unsupported audio format '${p.input_audio.format}'.`, `${param}.input_audio.format`);
      return [{ audio: { format, source: { bytes: p.input_audio.data } } }];
    }
    case "video_url": {
      if (!ctx.caps.videoInput) throw refuse("video");
      const url = p.video_url.url;
      if (url.startsWith("s3://")) {
        const ext = url.split(".").pop()?.toLowerCase() ?? "mp4";
        return [{ video: { format: ext === "3gp" ? "three_gp" : ext, source: { s3Location: { uri: url } } } }];
      }
      const parsed = parseDataUrl(url);
      const format = parsed && VIDEO_BY_MIME[parsed.mediaType.toLowerCase()];
      if (!parsed || !format)
        throw errors.invalidRequest(
          "video_url must be a data:video/… URL (mp4, mov, mkv, webm, flv, mpeg, wmv, 3gp) or an s3:// URI.",
          `${param}.video_url.url`,
        );
      return [{ video: { format, source: { bytes: parsed.bytes.toString("base64") } } }];
    }
  }
}
