import { cellId } from '../../core/matrix/cell.ts';
import { acceptsValue, DEFAULT_BASELINE, type Dimensions, isDimension } from '../../core/matrix/dimensions.ts';

/**
 * The inverse of `cellId`: `rpsLimit=1,1,load=burst` → the full dimensions (values may contain commas,
 * so a part without a known `name=` continues the previous value). Undefined for anything that is not a
 * canonical cell id, so arbitrary test titles are never mistaken for cells.
 */
export function parseCellId(id: string): Dimensions | undefined {
  if (id === 'baseline') return { ...DEFAULT_BASELINE };
  const pairs: [string, string][] = [];
  for (const part of id.split(',')) {
    const equals = part.indexOf('=');
    const name = equals > 0 ? part.slice(0, equals) : '';
    if (isDimension(name)) pairs.push([name, part.slice(equals + 1)]);
    else if (pairs.length > 0) (pairs.at(-1) as [string, string])[1] += `,${part}`;
    else return undefined;
  }
  const dimensions = { ...DEFAULT_BASELINE } as Record<string, string>;
  for (const [name, value] of pairs) {
    if (!isDimension(name) || !acceptsValue(name, value)) return undefined;
    dimensions[name] = value;
  }
  return cellId(dimensions as Dimensions) === id ? (dimensions as Dimensions) : undefined;
}
