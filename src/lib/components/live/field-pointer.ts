// The field a pointer is over in the /live detail pane. Bytes and characters carry their field's
// index as data-field (-1: no field); one handler on their container reads it, not one per byte.

/**
 * The field index of the byte or character at `target`: null for one of no field, undefined when
 * the pointer is over none of them (between cells), where what is lit stays lit.
 */
export function fieldUnder(target: EventTarget | null): number | null | undefined {
  const cell = (target as HTMLElement | null)?.closest?.('[data-field]') as HTMLElement | null | undefined;
  if (!cell) return undefined;
  const field = Number(cell.dataset.field);
  return field >= 0 ? field : null;
}
