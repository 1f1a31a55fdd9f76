// The values of the server's form (docs/server-behaviour.md#app-form, #form-inputs): defaults, the
// population list bound to the chosen panel, and what goes to uploads:start.
import type { FormField } from '../../../../electron/ipc/contract';

export type Option = { value: string; label: string };
export type FormValues = Record<string, string>;
export type FormChecks = Record<string, boolean>;

/** The options of a select, or of a bound select for the value of the field it is bound to. */
export function optionsOf(field: FormField, values: FormValues): Option[] {
  if (field.kind === 'select') return field.options;
  if (field.kind === 'bound-select') return field.groups[values[field.bind] ?? ''] ?? [];
  return [];
}

/** Keeps a value the options offer; else the server's initial value when offered; else the first option. */
function pick(options: Option[], current: string | undefined, initial: string): string {
  if (current !== undefined && options.some((option) => option.value === current)) return current;
  if (options.some((option) => option.value === initial)) return initial;
  return options[0]?.value ?? '';
}

/**
 * Every select and text field given a value the form offers. Selects keep the server's `initial`
 * (refpanel has none: the first panel); a bound select (population) falls back to the first option
 * of the chosen panel's group whenever the panel changes.
 */
export function settleValues(fields: FormField[], current: FormValues = {}): FormValues {
  const values: FormValues = {};
  // Plain selects first: bound selects read the value of the field they are bound to.
  for (const field of fields) {
    if (field.kind === 'select') values[field.id] = pick(field.options, current[field.id], field.initial);
    else if (field.kind === 'text') values[field.id] = current[field.id] ?? field.initial;
  }
  for (const field of fields) {
    if (field.kind === 'bound-select') values[field.id] = pick(optionsOf(field, values), current[field.id], field.initial);
  }
  return values;
}

/** Settles again when a value changed (e.g. a new panel gives a new population list). */
export function withValue(fields: FormField[], values: FormValues, id: string, value: string): FormValues {
  return settleValues(fields, { ...values, [id]: value });
}

/** Terms the user has not ticked yet (the server needs every one). */
export function missingTerms(fields: FormField[], checked: FormChecks): Extract<FormField, { kind: 'terms' }>[] {
  return fields.filter((field): field is Extract<FormField, { kind: 'terms' }> => field.kind === 'terms' && !checked[field.id]);
}

/**
 * Only the boxes that are on: the server turns any checkbox field that is present on, whatever
 * its value (docs/server-behaviour.md#form-parsing).
 */
export function checkedOnly(fields: FormField[], checked: FormChecks): FormChecks {
  const known = new Set(fields.filter((field) => field.kind === 'checkbox' || field.kind === 'terms').map((field) => field.id));
  return Object.fromEntries(Object.entries(checked).filter(([id, on]) => on && known.has(id)));
}

/** Select and text values only, for the fields the form has. */
export function submittedValues(fields: FormField[], values: FormValues): FormValues {
  const out: FormValues = {};
  for (const field of fields) {
    if ((field.kind === 'select' || field.kind === 'bound-select' || field.kind === 'text') && values[field.id] !== undefined)
      out[field.id] = values[field.id]!;
  }
  return out;
}

/** The settings a pre-flight check depends on: a change to any of them runs the check again. */
export const PREFLIGHT_FIELDS = ['build', 'phasing', 'refpanel', 'population', 'mode'] as const;

export function preflightKey(serverId: string, fileIds: readonly string[], values: FormValues): string {
  return JSON.stringify([serverId, fileIds, PREFLIGHT_FIELDS.map((id) => values[id] ?? '')]);
}
