// Lists of byte views (scatter/gather) as the socket calls take them.

// The views of `parts` after the first `skip` bytes.
export function skipBytes(parts, skip) {
  if (skip === 0) return parts;
  const rest = [];
  for (const p of parts) {
    if (skip >= p.length) skip -= p.length;
    else {
      rest.push(skip > 0 ? p.subarray(skip) : p);
      skip = 0;
    }
  }
  return rest;
}

/** One array holding `parts` end to end. */
export function concat(parts, total) {
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
