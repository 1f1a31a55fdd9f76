// Builds a transform from its spec, inside whichever thread runs it (see ../types.ts).
import type { RecordTransform, TransformSpec } from '../types';
import { siteEdits } from './site-edits';
import { slimGt } from './slim-gt';

export function createTransform(spec: TransformSpec): RecordTransform {
  switch (spec.kind) {
    case 'slim-gt':
      return slimGt(spec.headerLine);
    case 'site-edits':
      return siteEdits(spec);
  }
}
