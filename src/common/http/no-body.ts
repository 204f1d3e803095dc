// Route options for requests that carry no body (PUT of a role grant, a tag, a membership): the real
// APIs ignore whatever body such a request has (Tempest sends `{}`), and the input-schema test reads
// the declaration to know the route was not simply forgotten.
export const NO_BODY = { config: { declaredBody: 'none' as const } };
