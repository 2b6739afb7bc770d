import { configJsonSchema } from '../config/schema.js';

/** `tikprobe schema`: the JSON Schema generated from the zod schema. */
export function printSchema(out: (text: string) => void): void {
  out(JSON.stringify(configJsonSchema(), null, 2));
}
