/**
 * An object that stands for whatever `current()` returns when a property is read: a suite declares
 * `const m = miraiPerSuite()` once, while the real object is made (and replaced) by its hooks.
 */
export function standIn<T extends object>(current: () => T | undefined, what: string): T {
  return new Proxy({} as T, {
    get(_target, key) {
      const real = current();
      if (!real) throw new Error(`${what} is not open (used outside its tests?)`);
      return real[key as keyof T];
    },
  });
}
