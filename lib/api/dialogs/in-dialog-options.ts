/**
 * Turning the app's `MessageElements` into the options of a request built by a dialog.
 * @module
 */
import type { MessageElementsView } from '../../../include-types/api.js';
import type { InDialogRequestOptions } from '../../dialog/request-builder.js';
import { type HeaderUse, checkUserHeaders } from '../elements/header-rules.js';
import { headerNames } from '../elements/message-elements.js';

/**
 * Header pairs and body for `DialogCore.createRequest`, plus any `extra` pairs the association adds.
 * @throws SipError(MalformedMessage) for a header the stack owns.
 */
export function inDialogOptions(elements: MessageElementsView | undefined, extra: ReadonlyArray<readonly [string, string]> = [], use: HeaderUse = 'dialog'): InDialogRequestOptions {
  checkUserHeaders(headerNames(elements), use);
  const headers: Array<[string, string]> = extra.map(([n, v]) => [n, v]);
  for (const h of elements?.userHeaders ?? []) headers.push([h.name, h.value]);
  const body = elements?.content;
  if (body !== undefined && elements?.contentType !== undefined) headers.push(['Content-Type', elements.contentType]);
  return body === undefined ? { headers } : { headers, body };
}
