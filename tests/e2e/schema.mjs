// A small JSON Schema (2020-12 subset) checker for the OpenAPI document's schemas, so the
// browser tests can check that what the server really answers is what /api/openapi.json says.
// Supports what the document uses: $ref, type (also lists), enum, const, required, properties,
// additionalProperties, items, allOf, oneOf, pattern, min/maxLength, minimum/maximum, and the
// date-time format. Returns a list of readable errors (empty = valid).

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function typeOf(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (Number.isInteger(value)) return "integer";
  return typeof value;
}

function resolve(doc, schema) {
  let s = schema;
  while (s && s.$ref) {
    s = s.$ref.slice(2).split("/").reduce((node, key) => node[key.replace(/~1/g, "/").replace(/~0/g, "~")], doc);
  }
  return s;
}

export function validate(doc, schema, value, path = "$") {
  const s = resolve(doc, schema);
  if (!s || Object.keys(s).length === 0) return [];
  const errors = [];
  if (s.allOf) for (const sub of s.allOf) errors.push(...validate(doc, sub, value, path));
  if (s.oneOf) {
    const passing = s.oneOf.filter((sub) => validate(doc, sub, value, path).length === 0).length;
    if (passing !== 1) errors.push(`${path}: matches ${passing} of the oneOf schemas, not exactly 1`);
  }
  if (s.type) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    const actual = typeOf(value);
    const ok = types.includes(actual) || (actual === "integer" && types.includes("number"));
    if (!ok) return [...errors, `${path}: ${JSON.stringify(value)} is ${actual}, not ${types.join("|")}`];
  }
  if (s.enum && !s.enum.includes(value)) errors.push(`${path}: ${JSON.stringify(value)} not in ${JSON.stringify(s.enum)}`);
  if ("const" in s && s.const !== value) errors.push(`${path}: ${JSON.stringify(value)} is not ${JSON.stringify(s.const)}`);
  if (typeof value === "string") {
    if (s.pattern && !new RegExp(s.pattern).test(value)) errors.push(`${path}: "${value}" does not match ${s.pattern}`);
    if (s.minLength !== undefined && value.length < s.minLength) errors.push(`${path}: shorter than ${s.minLength}`);
    if (s.maxLength !== undefined && value.length > s.maxLength) errors.push(`${path}: longer than ${s.maxLength}`);
    if (s.format === "date-time" && !DATE_TIME.test(value)) errors.push(`${path}: "${value}" is not an RFC 3339 time`);
  }
  if (typeof value === "number") {
    if (s.minimum !== undefined && value < s.minimum) errors.push(`${path}: below ${s.minimum}`);
    if (s.maximum !== undefined && value > s.maximum) errors.push(`${path}: above ${s.maximum}`);
  }
  if (typeOf(value) === "object") {
    for (const key of s.required || []) {
      if (!(key in value)) errors.push(`${path}: missing required "${key}"`);
    }
    for (const [key, sub] of Object.entries(value)) {
      if (s.properties && key in s.properties) errors.push(...validate(doc, s.properties[key], sub, `${path}.${key}`));
      else if (s.additionalProperties === false) errors.push(`${path}: unexpected "${key}"`);
    }
  }
  if (Array.isArray(value) && s.items) {
    value.forEach((item, i) => errors.push(...validate(doc, s.items, item, `${path}[${i}]`)));
  }
  return errors;
}

/** Errors of `body` against the documented response of METHOD path → status (JSON content). */
export function checkResponse(doc, method, path, status, body) {
  const op = doc.paths[path] && doc.paths[path][method.toLowerCase()];
  if (!op) return [`${method} ${path}: not documented`];
  let response = op.responses[String(status)];
  if (!response) return [`${method} ${path}: status ${status} not documented`];
  response = resolve(doc, response);
  const content = response.content || {};
  const media = content["application/json"] || content["application/problem+json"];
  if (!media) return [];
  return validate(doc, media.schema, body, `${method} ${path} ${status}`);
}
