/**
 * A tool call refused before anything reached a server (bad input, a connection the user keeps
 * from agents). Thrown from prepareInvocation or invoke, so the model reads the message and the
 * user is never asked to confirm something that would not run.
 */
export class ToolRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolRefusal';
  }
}
