// The error `fn` throws; fails the test if it throws nothing.
export function catchError(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to throw');
}
