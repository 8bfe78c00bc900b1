// The reply text the soak upstream streams for a request, so the load side can check every answer.
export function expectedText(id: string, chars: number): string {
  const unit = `<${id}>`;
  return unit.repeat(Math.ceil(chars / unit.length)).slice(0, chars);
}
