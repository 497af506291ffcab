// One instance per process of state that models keep in memory (the sign-in throttle, the
// compare cache). The Remix build and the server bundle each carry their own copy of every
// module in app/, and development rebuilds load the Remix build again; a module-level `const`
// would then be two (or more) stores. Kept on globalThis, like the database (db/index.ts).
const holder = globalThis as unknown as { __gotongSingletons?: Map<string, unknown> };

export function singleton<T>(name: string, create: () => T): T {
  holder.__gotongSingletons ??= new Map();
  if (!holder.__gotongSingletons.has(name)) holder.__gotongSingletons.set(name, create());
  return holder.__gotongSingletons.get(name) as T;
}
