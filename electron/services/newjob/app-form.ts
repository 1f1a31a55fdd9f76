// The submit form, built from the server's own app definition (docs/server-behaviour.md#app-form), so the app
// offers exactly the values the server accepts.
import type { FormField } from '../../ipc/contract';
import type { AppDefinition, AppParam } from '../cloudgene/schemas';
import { messageText } from '../jobs/job-view';

/** Labels are server HTML ("Reference Panel (<a ...>Details</a>)"): the form shows their text. */
function labelOf(param: AppParam): string {
  return messageText(param.description ?? param.id).replace(/\s*\(\s*Details\s*\)\s*$/i, '') || param.id;
}

function optionsOf(param: AppParam): Array<{ value: string; label: string }> {
  return param.values.map((option) => ({ value: option.key, label: option.value ?? option.label ?? option.key }));
}

function fieldOf(param: AppParam): FormField | null {
  const base = { id: param.id, label: labelOf(param) };
  const details = param.details ? messageText(param.details) : null;
  switch (param.type) {
    case 'list':
    case 'radio':
    case 'app_list':
      return { kind: 'select', ...base, details, options: optionsOf(param), initial: param.value };
    case 'binded_list': {
      const groups: Record<string, Array<{ value: string; label: string }>> = {};
      for (const group of param.values) {
        groups[group.key] = (group.values ?? []).map((option) => ({ value: option.key, label: option.value ?? option.key }));
      }
      return { kind: 'bound-select', ...base, details, bind: param.bind ?? 'refpanel', groups, initial: param.value };
    }
    case 'checkbox':
      return { kind: 'checkbox', ...base, details };
    case 'terms_checkbox':
      return { kind: 'terms', ...base };
    case 'local_folder':
    case 'local_file':
    case 'hdfs_folder':
      return { kind: 'files', ...base };
    case 'text':
    case 'string':
    case 'number':
      return { kind: 'text', ...base, details, initial: param.value };
    default:
      return null; // separators, labels, info boxes
  }
}

export function formFieldsOf(app: AppDefinition): FormField[] {
  return app.params.filter((param) => param.visible && !param.adminOnly).flatMap((param) => fieldOf(param) ?? []);
}

/**
 * Checks a submit against the form: only known fields, list values the server offers, every
 * terms box accepted. (The server itself accepts typos and fails the job later, 5.2.)
 */
export function checkSubmit(fields: FormField[], values: Record<string, string>, checked: Record<string, boolean>): string | null {
  const byId = new Map(fields.map((field) => [field.id, field]));
  for (const [id, value] of Object.entries(values)) {
    const field = byId.get(id);
    if (!field || (field.kind !== 'select' && field.kind !== 'bound-select' && field.kind !== 'text')) return `The server's form has no field "${id}".`;
    if (field.kind === 'select' && !field.options.some((option) => option.value === value)) return `"${value}" is not one of the choices for ${field.label}.`;
    if (field.kind === 'bound-select') {
      const group = field.groups[values[field.bind] ?? ''] ?? [];
      if (group.length > 0 && !group.some((option) => option.value === value)) return `"${value}" is not offered for ${field.label} with this ${field.bind}.`;
    }
  }
  for (const id of Object.keys(checked)) {
    const field = byId.get(id);
    if (!field || (field.kind !== 'checkbox' && field.kind !== 'terms')) return `The server's form has no checkbox "${id}".`;
  }
  for (const field of fields) {
    if (field.kind === 'terms' && !checked[field.id]) return `Please accept: ${field.label}`;
    if (field.kind === 'select' && field.id === 'refpanel' && !values.refpanel) return 'Choose a reference panel.';
  }
  return null;
}
