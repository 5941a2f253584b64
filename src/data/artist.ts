/**
 * The artist key used by the artist-conditional split (docs/datasets.md §9). The same act is
 * spelled differently across MedleyDB files (`Music Delta` / `Music Delta Multitracks`,
 * `Hops 'n Vinyl` / `Hops ’n Vinyl`, `Declare a String` / `Declare A String`, `Sweat` / `SWEAT`,
 * `Liz Nelson` / `Liz Nelson & Jennifer Davies`), so the key is the lowercase alphanumerics of
 * the `artist` field, then an explicit alias table for the cases normalisation cannot join.
 */

/**
 * Normalised key -> canonical key, for spellings that differ by more than case and punctuation.
 * Reviewed against the MedleyDB V1+V2 metadata at marl/medleydb@537bb7b (docs/datasets.md §9).
 */
export const ARTIST_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  // Music Delta tracks say either "Music Delta" or "Music Delta Multitracks": one producer.
  musicdeltamultitracks: "musicdelta",
  // LizNelson_Rainfall credits "Liz Nelson & Jennifer Davies"; the other Liz Nelson tracks say
  // "Liz Nelson". Joined so the shared lead singer cannot land on both sides of the split.
  liznelsonjenniferdavies: "liznelson",
});

/** Lowercase ASCII alphanumerics of a string (accents folded: `Café` -> `cafe`). */
export function normaliseArtist(artist: string): string {
  return artist
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");
}

/**
 * The split key of a track: `normaliseArtist(artist)` through {@link ARTIST_ALIASES}. Falls back
 * to the track id's prefix (`Artist_Title`) when the `artist` field normalises to nothing.
 */
export function artistKey(artist: string, trackId: string): string {
  let key = normaliseArtist(artist);
  if (key === "") key = normaliseArtist(trackId.split("_")[0] ?? trackId);
  return ARTIST_ALIASES[key] ?? key;
}
