const ENGLISH = new Intl.PluralRules('en');

/** "1 cell", "2 cells": the count with the noun in its English plural category (Intl, not a test by hand). */
export function countOf(count: number, one: string, other: string): string {
  return `${count} ${nounFor(count, one, other)}`;
}

/** The noun alone, for a heading over `count` items. */
export function nounFor(count: number, one: string, other: string): string {
  return ENGLISH.select(count) === 'one' ? one : other;
}
