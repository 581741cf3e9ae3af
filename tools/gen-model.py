#!/usr/bin/env python3
"""Generates src/Protocol/Mcp/Model/*.cs: one DTO per file, from the table below (MCP schema 2024-11-05..2026-07-28).
Run from the repository root: python3 tools/gen-model.py. Hand-written types live beside the generated ones."""
import os, re
OUT = 'src/Protocol/Mcp'
os.makedirs(OUT, exist_ok=True)

# type: (doc, [(cs type, property, json name or '', required, doc)])
T = {}
def t(name, doc, *props): T[name] = (doc, props)
def p(cs, prop, doc, json='', req=False): return (cs, prop, json, req, doc)
META = p('JsonElement?', 'Meta', 'Reserved metadata (<c>_meta</c>), carried verbatim (JR-15).', '_meta')
RT = p('string?', 'ResultType', 'The result type (2026-07-28, M-VR-15): <c>complete</c> or <c>input_required</c>; absent means complete.')
TTL = p('long?', 'TtlMs', 'Cache lifetime in milliseconds (2026-07-28, M-SV-03).')
SCOPE = p('string?', 'CacheScope', 'Cache scope, <c>public</c> or <c>private</c> (2026-07-28, M-SV-03).')
CURSOR = p('string?', 'NextCursor', 'The cursor of the next page; absent on the last page (UT-26).')
ICONS = p('IList<Icon>?', 'Icons', 'Icons (2025-11-25).')
MRTR_REQ = [p('JsonElement?', 'InputResponses', 'Answers to the previous round\'s input requests, by key (2026-07-28, M-MR-10).'),
            p('string?', 'RequestState', 'Opaque state echoed back unchanged (2026-07-28, M-MR-07).')]

t('Implementation', 'Name and version of an MCP implementation (LC-02, LC-03).',
  p('string', 'Name', 'The programmatic name.', req=True), p('string', 'Version', 'The version.', req=True),
  p('string?', 'Title', 'A display name (2025-06-18).'), p('string?', 'Description', 'A description (2025-11-25).'),
  ICONS, p('string?', 'WebsiteUrl', 'A website (2025-11-25).'))
t('Icon', 'An icon for display (2025-11-25).',
  p('string', 'Src', 'A URI (https or data:).', req=True), p('string?', 'MimeType', 'The MIME type.'),
  p('IList<string>?', 'Sizes', 'Sizes such as <c>48x48</c> or <c>any</c>.'), p('string?', 'Theme', '<c>light</c> or <c>dark</c>.'))
t('Annotations', 'Hints about content for the client (SV-05).',
  p('IList<string>?', 'Audience', 'Who the content is for: <c>user</c>, <c>assistant</c>.'),
  p('double?', 'Priority', 'Importance from 0 to 1.'), p('string?', 'LastModified', 'ISO 8601 time of last change.'))
# capabilities
t('CapabilityOptions', 'A capability object with optional flags; unknown members are kept.',
  p('bool?', 'ListChanged', 'Whether list-changed notifications are sent.'),
  p('bool?', 'Subscribe', 'Whether resource subscriptions are supported (resources only).'),
  p('IDictionary<string, JsonElement>?', 'Extra', 'Other members, kept as sent.', json='!ext'))
t('ClientCapabilities', 'What a client can do (LC-13, M-RQ-11). Presence of a member declares the capability.',
  p('IDictionary<string, JsonElement>?', 'Experimental', 'Experimental capabilities.'),
  p('CapabilityOptions?', 'Roots', 'Roots (<c>listChanged</c> before 2026-07-28).'),
  p('JsonElement?', 'Sampling', 'Sampling; sub-keys <c>context</c> and <c>tools</c> (2025-11-25).'),
  p('JsonElement?', 'Elicitation', 'Elicitation; sub-keys <c>form</c> and <c>url</c> (2025-11-25); empty object means form.'),
  p('JsonElement?', 'Tasks', 'Tasks (2025-11-25).'),
  p('IDictionary<string, JsonElement>?', 'Extensions', 'Extensions by identifier (2026-07-28, M-VR-19).'))
t('ServerCapabilities', 'What a server offers (LC-12, M-RQ-11). Declare only what is implemented.',
  p('IDictionary<string, JsonElement>?', 'Experimental', 'Experimental capabilities.'),
  p('JsonElement?', 'Logging', 'Log notifications (UT-16).'), p('JsonElement?', 'Completions', 'Argument completion (UT-22).'),
  p('CapabilityOptions?', 'Prompts', 'Prompts (SV-23).'), p('CapabilityOptions?', 'Resources', 'Resources (SV-14).'),
  p('CapabilityOptions?', 'Tools', 'Tools (SV-01).'), p('JsonElement?', 'Tasks', 'Tasks (2025-11-25).'),
  p('IDictionary<string, JsonElement>?', 'Extensions', 'Extensions by identifier (2026-07-28).'))
# lifecycle
t('InitializeRequestParams', 'Parameters of <c>initialize</c> (LC-02).',
  p('string', 'ProtocolVersion', 'The version the client proposes.', req=True),
  p('ClientCapabilities', 'Capabilities', 'The client\'s capabilities.', req=True),
  p('Implementation', 'ClientInfo', 'The client.', req=True), META)
t('InitializeResult', 'Result of <c>initialize</c> (LC-03).',
  p('string', 'ProtocolVersion', 'The negotiated version.', req=True),
  p('ServerCapabilities', 'Capabilities', 'The server\'s capabilities.', req=True),
  p('Implementation', 'ServerInfo', 'The server.', req=True), p('string?', 'Instructions', 'Usage hints (2025-03-26).'), META)
t('DiscoverResult', 'Result of <c>server/discover</c> (2026-07-28, M-RQ-09).',
  p('string', 'ResultType', 'Always <c>complete</c>.', req=True),
  p('IList<string>', 'SupportedVersions', 'The versions the server serves through the envelope.', req=True),
  p('ServerCapabilities', 'Capabilities', 'The server\'s capabilities.', req=True),
  p('string?', 'Instructions', 'Usage hints.'), p('long', 'TtlMs', 'Cache lifetime in milliseconds.', req=True),
  p('string', 'CacheScope', '<c>public</c> or <c>private</c>.', req=True), META)
t('PaginatedRequestParams', 'Parameters of a paginated list request (UT-26).', p('string?', 'Cursor', 'The opaque cursor from the previous page.'), META)
t('EmptyResult', 'A result with no content, such as the answer to <c>ping</c> (JR-06).', RT, META)
# tools
t('ToolAnnotations', 'Behaviour hints for a tool, untrusted unless the server is (SV-02, SV-12).',
  p('string?', 'Title', 'A display name.'), p('bool?', 'ReadOnlyHint', 'Does not modify its environment.'),
  p('bool?', 'DestructiveHint', 'May destroy data (default true).'), p('bool?', 'IdempotentHint', 'Repeated calls have no extra effect.'),
  p('bool?', 'OpenWorldHint', 'Interacts with external entities (default true).'))
t('ToolExecution', 'Execution properties of a tool (2025-11-25).', p('string?', 'TaskSupport', '<c>forbidden</c>, <c>optional</c> or <c>required</c>.'))
t('Tool', 'A tool definition (SV-02). Schemas are carried verbatim, never rewritten (JR-19).',
  p('string', 'Name', 'The unique name (SV-03).', req=True), p('string?', 'Title', 'A display name (2025-06-18).'),
  p('string?', 'Description', 'What the tool does.'),
  p('JsonElement', 'InputSchema', 'JSON Schema of the arguments, an object schema; may carry <c>x-mcp-header</c> (2026-07-28).', req=True),
  p('JsonElement?', 'OutputSchema', 'JSON Schema of <c>structuredContent</c> (2025-06-18).'),
  p('ToolAnnotations?', 'Annotations', 'Behaviour hints (2025-03-26).'), ICONS,
  p('ToolExecution?', 'Execution', 'Execution properties (2025-11-25).'), META)
t('ListToolsResult', 'Result of <c>tools/list</c>.', p('IList<Tool>', 'Tools', 'The tools.', req=True), CURSOR, TTL, SCOPE, RT, META)
t('CallToolRequestParams', 'Parameters of <c>tools/call</c> (SV-04).',
  p('string', 'Name', 'The tool.', req=True), p('JsonElement?', 'Arguments', 'The arguments, an object.'),
  p('TaskMetadata?', 'Task', 'Run as a task (2025-11-25).'), *MRTR_REQ, META)
t('CallToolResult', 'Result of <c>tools/call</c> (SV-04).',
  p('IList<ContentBlock>', 'Content', 'The content blocks.', req=True),
  p('JsonElement?', 'StructuredContent', 'Structured output matching the tool\'s <c>outputSchema</c> (2025-06-18, SV-07, SV-08).'),
  p('bool?', 'IsError', 'Whether the tool failed (SV-09); absent means false.'), RT, META)
# content
t('TextContent', 'Text content.', p('string', 'Text', 'The text.', req=True), p('Annotations?', 'Annotations', 'Hints.'), META)
t('ImageContent', 'Image content, base64.', p('string', 'Data', 'Base64 data.', req=True), p('string', 'MimeType', 'The MIME type.', req=True), p('Annotations?', 'Annotations', 'Hints.'), META)
t('AudioContent', 'Audio content, base64 (2025-03-26).', p('string', 'Data', 'Base64 data.', req=True), p('string', 'MimeType', 'The MIME type.', req=True), p('Annotations?', 'Annotations', 'Hints.'), META)
t('ResourceLink', 'A link to a resource (2025-06-18).',
  p('string', 'Uri', 'The URI.', req=True), p('string', 'Name', 'The name.', req=True), p('string?', 'Title', 'A display name.'),
  p('string?', 'Description', 'A description.'), p('string?', 'MimeType', 'The MIME type.'), p('long?', 'Size', 'Size in bytes.'),
  ICONS, p('Annotations?', 'Annotations', 'Hints.'), META)
t('EmbeddedResource', 'A resource embedded in a result.', p('ResourceContents', 'Resource', 'The contents.', req=True), p('Annotations?', 'Annotations', 'Hints.'), META)
t('ToolUseContent', 'A model\'s request to use a tool, in sampling (2025-11-25).',
  p('string', 'Id', 'The tool-use id.', req=True), p('string', 'Name', 'The tool.', req=True), p('JsonElement', 'Input', 'The arguments.', req=True), META)
t('ToolResultContent', 'The result of a tool use, in sampling (2025-11-25).',
  p('string', 'ToolUseId', 'The tool-use id it answers.', req=True), p('IList<ContentBlock>', 'Content', 'The content.', req=True),
  p('JsonElement?', 'StructuredContent', 'Structured output.'), p('bool?', 'IsError', 'Whether the tool failed.'), META)
t('ResourceContents', 'Contents of a resource: <c>text</c> or base64 <c>blob</c> (SV-16).',
  p('string', 'Uri', 'The URI.', req=True), p('string?', 'MimeType', 'The MIME type.'),
  p('string?', 'Text', 'Text contents.'), p('string?', 'Blob', 'Base64 binary contents.'), META)
# resources
t('Resource', 'A resource (SV-15).',
  p('string', 'Uri', 'The URI.', req=True), p('string', 'Name', 'The name.', req=True), p('string?', 'Title', 'A display name.'),
  p('string?', 'Description', 'A description.'), p('string?', 'MimeType', 'The MIME type.'), p('long?', 'Size', 'Size in bytes.'),
  ICONS, p('Annotations?', 'Annotations', 'Hints.'), META)
t('ResourceTemplate', 'A resource template, RFC 6570 (SV-17).',
  p('string', 'UriTemplate', 'The URI template.', req=True), p('string', 'Name', 'The name.', req=True), p('string?', 'Title', 'A display name.'),
  p('string?', 'Description', 'A description.'), p('string?', 'MimeType', 'The MIME type.'), ICONS, p('Annotations?', 'Annotations', 'Hints.'), META)
t('ListResourcesResult', 'Result of <c>resources/list</c>.', p('IList<Resource>', 'Resources', 'The resources.', req=True), CURSOR, TTL, SCOPE, RT, META)
t('ListResourceTemplatesResult', 'Result of <c>resources/templates/list</c>.', p('IList<ResourceTemplate>', 'ResourceTemplates', 'The templates.', req=True), CURSOR, TTL, SCOPE, RT, META)
t('ReadResourceRequestParams', 'Parameters of <c>resources/read</c>.', p('string', 'Uri', 'The URI.', req=True), *MRTR_REQ, META)
t('ReadResourceResult', 'Result of <c>resources/read</c>; never an empty <c>contents</c> for a missing resource (SV-20).', p('IList<ResourceContents>', 'Contents', 'The contents.', req=True), TTL, SCOPE, RT, META)
t('ResourceUriParams', 'Parameters naming one resource URI: <c>resources/subscribe</c>, <c>resources/unsubscribe</c>, <c>notifications/resources/updated</c>.', p('string', 'Uri', 'The URI.', req=True), META)
# prompts
t('PromptArgument', 'An argument of a prompt (SV-24).', p('string', 'Name', 'The name.', req=True), p('string?', 'Title', 'A display name.'), p('string?', 'Description', 'A description.'), p('bool?', 'Required', 'Whether it must be given.'))
t('Prompt', 'A prompt (SV-24).', p('string', 'Name', 'The name.', req=True), p('string?', 'Title', 'A display name.'), p('string?', 'Description', 'A description.'), p('IList<PromptArgument>?', 'Arguments', 'The arguments.'), ICONS, META)
t('ListPromptsResult', 'Result of <c>prompts/list</c>.', p('IList<Prompt>', 'Prompts', 'The prompts.', req=True), CURSOR, TTL, SCOPE, RT, META)
t('GetPromptRequestParams', 'Parameters of <c>prompts/get</c> (SV-25).', p('string', 'Name', 'The prompt.', req=True), p('IDictionary<string, string>?', 'Arguments', 'The arguments.'), *MRTR_REQ, META)
t('PromptMessage', 'A message of a prompt.', p('string', 'Role', '<c>user</c> or <c>assistant</c>.', req=True), p('ContentBlock', 'Content', 'The content.', req=True))
t('GetPromptResult', 'Result of <c>prompts/get</c> (SV-25).', p('string?', 'Description', 'A description.'), p('IList<PromptMessage>', 'Messages', 'The messages.', req=True), RT, META)
# completion
t('CompletionReference', 'What is being completed: <c>ref/prompt</c> with a name, or <c>ref/resource</c> with a URI template (UT-23).',
  p('string', 'Type', '<c>ref/prompt</c> or <c>ref/resource</c>.', req=True), p('string?', 'Name', 'The prompt name.'), p('string?', 'Uri', 'The URI template.'))
t('CompletionArgument', 'The argument being completed.', p('string', 'Name', 'The name.', req=True), p('string', 'Value', 'The value so far.', req=True))
t('CompletionContext', 'Already chosen values (2025-06-18).', p('IDictionary<string, string>?', 'Arguments', 'Values by name.'))
t('CompleteRequestParams', 'Parameters of <c>completion/complete</c> (UT-23).', p('CompletionReference', 'Ref', 'What is completed.', req=True), p('CompletionArgument', 'Argument', 'The argument.', req=True), p('CompletionContext?', 'Context', 'Context.'), META)
t('Completion', 'Completion values (UT-24): at most 100.', p('IList<string>', 'Values', 'The values.', req=True), p('int?', 'Total', 'The total number available.'), p('bool?', 'HasMore', 'Whether more exist.'))
t('CompleteResult', 'Result of <c>completion/complete</c>.', p('Completion', 'Completion', 'The values.', req=True), RT, META)
# logging / progress / cancellation
t('SetLevelRequestParams', 'Parameters of <c>logging/setLevel</c> (UT-18).', p('LoggingLevel', 'Level', 'The minimum level.', req=True), META)
t('LoggingMessageNotificationParams', 'Parameters of <c>notifications/message</c> (UT-19).', p('LoggingLevel', 'Level', 'The level.', req=True), p('string?', 'Logger', 'The logger name.'), p('JsonElement', 'Data', 'Any JSON value.', req=True), META)
t('ProgressNotificationParams', 'Parameters of <c>notifications/progress</c> (UT-02).',
  p('ProgressToken', 'ProgressToken', 'The request\'s token.', req=True), p('double', 'Progress', 'Increases with every notification (UT-03).', req=True),
  p('double?', 'Total', 'The total, if known.'), p('string?', 'Message', 'A human-readable message (2025-03-26).'), META)
t('CancelledNotificationParams', 'Parameters of <c>notifications/cancelled</c> (UT-08).', p('RequestId?', 'RequestId', 'The request to cancel.'), p('string?', 'Reason', 'Why.'), META)
# sampling
t('ModelHint', 'A model name hint.', p('string?', 'Name', 'A (partial) model name.'))
t('ModelPreferences', 'Model selection preferences, priorities 0..1 (CL-01).', p('IList<ModelHint>?', 'Hints', 'Hints in order.'), p('double?', 'CostPriority', 'Cost.'), p('double?', 'SpeedPriority', 'Speed.'), p('double?', 'IntelligencePriority', 'Intelligence.'))
t('SamplingMessage', 'A message for sampling; <c>content</c> is one block or (2025-11-25) an array of blocks.', p('string', 'Role', '<c>user</c> or <c>assistant</c>.', req=True), p('JsonElement', 'Content', 'One content block or an array of them.', req=True), META)
t('CreateMessageRequestParams', 'Parameters of <c>sampling/createMessage</c> (CL-01).',
  p('IList<SamplingMessage>', 'Messages', 'The conversation.', req=True), p('ModelPreferences?', 'ModelPreferences', 'Preferences.'),
  p('string?', 'SystemPrompt', 'A system prompt.'), p('string?', 'IncludeContext', '<c>none</c>, <c>thisServer</c>, <c>allServers</c> (CL-03).'),
  p('double?', 'Temperature', 'Temperature.'), p('int', 'MaxTokens', 'The most tokens to sample.', req=True),
  p('IList<string>?', 'StopSequences', 'Stop sequences.'), p('JsonElement?', 'Metadata', 'Provider metadata.'),
  p('IList<Tool>?', 'Tools', 'Tools the model may use (2025-11-25, CL-04).'), p('JsonElement?', 'ToolChoice', 'Tool choice (2025-11-25).'), META)
t('CreateMessageResult', 'Result of <c>sampling/createMessage</c> (CL-02).',
  p('string', 'Role', 'The role.', req=True), p('JsonElement', 'Content', 'One content block or an array of them.', req=True),
  p('string', 'Model', 'The model used.', req=True), p('string?', 'StopReason', '<c>endTurn</c>, <c>stopSequence</c>, <c>maxTokens</c>, <c>toolUse</c> or another string.'), META)
# elicitation
t('EnumOption', 'A titled enum option: <c>{const, title}</c> (CL-06).', p('string', 'Const', 'The value.', req=True), p('string?', 'Title', 'The label.'))
t('ElicitationItemsSchema', 'The <c>items</c> of a multi-select enum (CL-06).', p('string?', 'Type', '<c>string</c>.'), p('IList<string>?', 'Enum', 'Untitled options.'), p('IList<EnumOption>?', 'AnyOf', 'Titled options.'))
t('ElicitationPropertySchema', 'One primitive property of a form-mode schema (CL-06): string, number, integer, boolean, or an enum in any of its shapes, with an optional <c>default</c>.',
  p('string', 'Type', '<c>string</c>, <c>number</c>, <c>integer</c>, <c>boolean</c> or <c>array</c> (multi-select).', req=True),
  p('string?', 'Title', 'The label.'), p('string?', 'Description', 'A description.'),
  p('int?', 'MinLength', 'Minimum string length.'), p('int?', 'MaxLength', 'Maximum string length.'), p('string?', 'Pattern', 'A regular expression.'),
  p('string?', 'Format', '<c>email</c>, <c>uri</c>, <c>date</c> or <c>date-time</c>.'),
  p('double?', 'Minimum', 'Minimum number.'), p('double?', 'Maximum', 'Maximum number.'),
  p('IList<string>?', 'Enum', 'Single-select options (untitled).'), p('IList<string>?', 'EnumNames', 'Legacy titles for <c>enum</c> (2025-06-18).'),
  p('IList<EnumOption>?', 'OneOf', 'Single-select titled options.'), p('ElicitationItemsSchema?', 'Items', 'Multi-select options.'),
  p('int?', 'MinItems', 'Minimum selections.'), p('int?', 'MaxItems', 'Maximum selections.'),
  p('JsonElement?', 'Default', 'A default value (2025-11-25).'))
t('ElicitationSchema', 'A form-mode <c>requestedSchema</c>: a flat object of primitive properties (CL-06).',
  p('string', 'Type', 'Always <c>object</c>.', req=True), p('IDictionary<string, ElicitationPropertySchema>', 'Properties', 'The fields.', req=True),
  p('IList<string>?', 'Required', 'Required field names.'))
t('ElicitRequestParams', 'Parameters of <c>elicitation/create</c> (CL-05, CL-06, CL-09).',
  p('string?', 'Mode', '<c>form</c> (default when absent) or <c>url</c> (2025-11-25).'), p('string', 'Message', 'What is asked.', req=True),
  p('JsonElement?', 'RequestedSchema', 'Form mode: the schema, carried verbatim (see <see cref="ElicitationSchema"/>).'),
  p('string?', 'Url', 'URL mode: the URL to open.'), p('string?', 'ElicitationId', 'URL mode: the id (2025-11-25 only).'), META)
t('ElicitResult', 'Result of <c>elicitation/create</c> (CL-08).', p('string', 'Action', '<c>accept</c>, <c>decline</c> or <c>cancel</c>.', req=True), p('IDictionary<string, JsonElement>?', 'Content', 'Form mode: the data.'), META)
t('ElicitationCompleteNotificationParams', 'Parameters of <c>notifications/elicitation/complete</c> (2025-11-25).', p('string', 'ElicitationId', 'The URL elicitation that completed.', req=True))
# roots
t('Root', 'A root (CL-12).', p('string', 'Uri', 'A <c>file://</c> URI.', req=True), p('string?', 'Name', 'A name.'), META)
t('ListRootsResult', 'Result of <c>roots/list</c>.', p('IList<Root>', 'Roots', 'The roots.', req=True), META)
# MRTR
t('InputRequest', 'One input request of an <c>InputRequiredResult</c>: <c>elicitation/create</c>, <c>sampling/createMessage</c> or <c>roots/list</c>, without <c>jsonrpc</c> or <c>id</c> (M-MR-04).',
  p('string', 'Method', 'The method.', req=True), p('JsonElement?', 'Params', 'Its parameters.'))
t('InputRequiredResult', 'A result asking the client for input (2026-07-28, M-MR-03): at least one of <c>inputRequests</c> and <c>requestState</c>.',
  p('string', 'ResultType', 'Always <c>input_required</c>.', req=True),
  p('IDictionary<string, InputRequest>?', 'InputRequests', 'What to ask, by server-chosen key.'),
  p('string?', 'RequestState', 'Opaque state to echo back.'), META)
# subscriptions
t('SubscriptionFilter', 'Which change notifications a <c>subscriptions/listen</c> stream carries (M-SB-01).',
  p('bool?', 'ToolsListChanged', 'Tool list changes.'), p('bool?', 'PromptsListChanged', 'Prompt list changes.'),
  p('bool?', 'ResourcesListChanged', 'Resource list changes.'), p('IList<string>?', 'ResourceSubscriptions', 'Resource URIs to watch.'))
t('SubscriptionsListenRequestParams', 'Parameters of <c>subscriptions/listen</c> (M-SB-01).', p('SubscriptionFilter', 'Notifications', 'What to deliver.', req=True), META)
t('SubscriptionsAcknowledgedNotificationParams', 'Parameters of <c>notifications/subscriptions/acknowledged</c>: the honoured subset (M-SB-03).', p('SubscriptionFilter', 'Notifications', 'What will be delivered.', req=True), META)
t('SubscriptionsListenResult', 'The graceful end of a subscription (M-SB-08).', p('string', 'ResultType', 'Always <c>complete</c>.', req=True), META)
# tasks
t('TaskMetadata', 'Asks for a request to run as a task (2025-11-25).', p('long?', 'Ttl', 'How long to keep the result, in milliseconds.'))
t('McpTask', 'A task (2025-11-25; an extension in 2026-07-28).',
  p('string', 'TaskId', 'The id.', req=True), p('string', 'Status', '<c>working</c>, <c>input_required</c>, <c>completed</c>, <c>failed</c> or <c>cancelled</c>.', req=True),
  p('string?', 'StatusMessage', 'A message.'), p('string', 'CreatedAt', 'ISO 8601 creation time.', req=True),
  p('string?', 'LastUpdatedAt', 'ISO 8601 update time.'), p('long?', 'Ttl', 'Retention in milliseconds.'), p('long?', 'PollInterval', 'Suggested poll interval in milliseconds.'))
t('CreateTaskResult', 'The answer to a task-augmented request.', p('McpTask', 'Task', 'The task.', req=True), META)
t('TaskIdParams', 'Parameters naming a task: <c>tasks/get</c>, <c>tasks/result</c>, <c>tasks/cancel</c>.', p('string', 'TaskId', 'The task.', req=True), META)
t('ListTasksResult', 'Result of <c>tasks/list</c>.', p('IList<McpTask>', 'Tasks', 'The tasks.', req=True), CURSOR, META)
# error data
t('UnsupportedProtocolVersionErrorData', 'Data of error -32022 (M-VR-02).', p('IList<string>', 'Supported', 'The supported versions.', req=True), p('string', 'Requested', 'The version asked for.', req=True))
t('MissingRequiredClientCapabilityErrorData', 'Data of error -32021 (M-VR-07): an object, not an array.', p('ClientCapabilities', 'RequiredCapabilities', 'What the request needed.', req=True))
t('UrlElicitationRequiredErrorData', 'Data of error -32042 (2025-11-25, CL-09).', p('IList<ElicitRequestParams>', 'Elicitations', 'URL-mode elicitations.', req=True))
t('ResourceNotFoundErrorData', 'Data of a resource-not-found error (SV-20).', p('string', 'Uri', 'The URI.', req=True))

def jname(prop, json):
    if json: return json
    return prop[0].lower() + prop[1:]

for name, (doc, props) in T.items():
    L = ['// Generated by tools/gen-model.py from its table: edit the table, not this file.',
         'using System.Text.Json;', 'using System.Text.Json.Serialization;', 'using Mcp.Raw.Protocol.JsonRpc;', '',
         'namespace Mcp.Raw.Protocol.Mcp;', '', f'/// <summary>{doc}</summary>']
    if name in ('TextContent','ImageContent','AudioContent','ResourceLink','EmbeddedResource','ToolUseContent','ToolResultContent'):
        L.append(f'public sealed class {name} : ContentBlock')
    else:
        L.append(f'public sealed class {name}')
    L.append('{')
    first = True
    for cs, prop, json, req, pdoc in props:
        if not first: L.append('')
        first = False
        L.append(f'    /// <summary>{pdoc}</summary>')
        if json == '!ext':
            L.append('    [JsonExtensionData]')
        else:
            jn = jname(prop, json)
            L.append(f'    [JsonPropertyName("{jn}")]')
        # 'required' makes object initializers complete at compile time and deserialization strict at run time.
        L.append(f'    public {"required " if req else ""}{cs} {prop} {{ get; set; }}')
    L.append('}')
    # Remove unused usings is handled by IDE0005 being off.
    open(os.path.join(OUT, name + '.cs'), 'w').write('\n'.join(L) + '\n')
print(len(T), 'types')
