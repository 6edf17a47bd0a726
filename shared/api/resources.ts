/**
 * Request and response schemas of the API's resources, derived from the generated table schemas
 * (tables.generated.ts): the row a client receives (secrets stripped), the body it may send to
 * create (server-owned columns and parent keys removed) and to update (a partial of what may
 * change). Each carries an OpenAPI component id.
 */
import { z } from 'zod';
import * as t from './tables.generated.ts';

const JsonObject = z.record(z.string(), z.unknown());

/** Identities: a user's personas. */
export const Identity = t.identitiesRow.meta({ id: 'Identity' });
export const IdentityCreate = t.identitiesInsert.omit({ is_default: true }).meta({ id: 'IdentityCreate' });
export const IdentityUpdate = t.identitiesInsert.partial().meta({ id: 'IdentityUpdate' });
/** Answer of an identity switch: the identity, and that the session must be refreshed. */
export const IdentitySwitch = z
  .object({ identity: Identity, refresh_session: z.literal(true) })
  .meta({ id: 'IdentitySwitch' });

export const Sphere = t.spheresRow.meta({ id: 'Sphere' });
export const SphereCreate = t.spheresInsert.meta({ id: 'SphereCreate' });
export const SphereUpdate = t.spheresInsert.partial().meta({ id: 'SphereUpdate' });

export const Domain = t.domainsRow.meta({ id: 'Domain' });
export const DomainCreate = t.domainsInsert.meta({ id: 'DomainCreate' });
export const DomainUpdate = t.domainsInsert.omit({ sphere_id: true }).partial().meta({ id: 'DomainUpdate' });

/** The active identity's role in a dataspace: the owner, a member's role, or null (an elevation). */
export const MyRole = z
  .enum(['owner', 'host', 'editor', 'participant', 'viewer'])
  .nullable()
  .meta({ id: 'MyRole' });
/** A dataspace, with the active identity's role in it (shared spaces: a member reads its owner's). */
export const Dataspace = t.dataspacesRow.extend({ my_role: MyRole }).meta({ id: 'Dataspace' });
export const DataspaceCreate = t.dataspacesInsert.omit({ archived_at: true }).meta({ id: 'DataspaceCreate' });
export const DataspaceUpdate = t.dataspacesInsert
  .omit({ sphere_id: true })
  .partial()
  .meta({ id: 'DataspaceUpdate' });

export const Thread = t.threadsRow.meta({ id: 'Thread' });
const threadServer = {
  tokens_consumed: true,
  tokens_reserved: true,
  scope_locked: true,
  scope_locked_at: true,
  last_activity_at: true,
  schema_version: true,
} as const;
export const ThreadCreate = t.threadsInsert.omit(threadServer).meta({ id: 'ThreadCreate' });
export const ThreadUpdate = t.threadsInsert
  .omit({ ...threadServer, dataspace_id: true })
  .partial()
  .meta({ id: 'ThreadUpdate' });

export const Message = t.messagesRow.meta({ id: 'Message' });
export const MessageCreate = z.object({ body: t.messagesInsert.shape.body }).meta({ id: 'MessageCreate' });

export const Decision = t.decisionsRow.meta({ id: 'Decision' });
export const DecisionCreate = t.decisionsInsert
  .omit({ thread_id: true, decided_at: true })
  .meta({ id: 'DecisionCreate' });
export const DecisionUpdate = t.decisionsInsert
  .omit({ thread_id: true, message_id: true })
  .partial()
  .meta({ id: 'DecisionUpdate' });

export const Workspace = t.workspacesRow.meta({ id: 'Workspace' });
export const WorkspaceCreate = t.workspacesInsert
  .omit({ version: true, state: true })
  .extend({ state: JsonObject.optional() })
  .meta({ id: 'WorkspaceCreate' });
export const WorkspaceUpdate = z
  .object({ name: t.workspacesInsert.shape.name })
  .partial()
  .meta({ id: 'WorkspaceUpdate' });
/** A transformation of a workspace: the new state and what changed; bumps its version. */
export const WorkspaceTransform = z
  .object({
    kind: t.workspaceTransformationsInsert.shape.kind.exclude(['restore']),
    description: z.string().max(2000).default(''),
    state: JsonObject,
    layout: t.workspacesInsert.shape.layout,
  })
  .meta({ id: 'WorkspaceTransform' });
export const WorkspaceRestore = z
  .object({ version: z.number().int().min(0) })
  .meta({ id: 'WorkspaceRestore' });
export const WorkspaceTransformation = t.workspaceTransformationsRow.meta({ id: 'WorkspaceTransformation' });
export const WorkspaceState = t.workspaceStateHistoryRow.meta({ id: 'WorkspaceState' });
export const TransformResult = z
  .object({ workspace: Workspace, transformation: WorkspaceTransformation })
  .meta({ id: 'TransformResult' });

export const Panel = t.panelsRow.meta({ id: 'Panel' });
export const PanelCreate = t.panelsInsert.omit({ workspace_id: true }).meta({ id: 'PanelCreate' });
export const PanelUpdate = PanelCreate.partial().meta({ id: 'PanelUpdate' });
export const PanelState = t.panelStatesRow.meta({ id: 'PanelState' });
export const PanelStateCreate = z.object({ state: JsonObject }).meta({ id: 'PanelStateCreate' });

export const MemoryItem = t.memoryItemsRow.meta({ id: 'MemoryItem' });
export const MemoryItemCreate = t.memoryItemsInsert
  .pick({
    dataspace_id: true,
    thread_id: true,
    source_type: true,
    source_id: true,
    kind: true,
    content: true,
    sensitive: true,
    expires_at: true,
  })
  .extend({
    source_type: t.memoryItemsInsert.shape.source_type.exclude(['agent_execution']),
    content: z.string().min(1).max(20000),
  })
  .meta({ id: 'MemoryItemCreate' });
export const MemoryItemUpdate = t.memoryItemsInsert
  .pick({ kind: true, sensitive: true, expires_at: true })
  .partial()
  .meta({ id: 'MemoryItemUpdate' });
export const MemoryCorrect = z
  .object({ content: z.string().min(1).max(20000) })
  .meta({ id: 'MemoryCorrect' });

export const Meeting = t.meetingsRow.meta({ id: 'Meeting' });
export const MeetingCreate = t.meetingsInsert
  .omit({ started_at: true, ended_at: true })
  .meta({ id: 'MeetingCreate' });
export const MeetingUpdate = t.meetingsInsert
  .omit({ dataspace_id: true })
  .partial()
  .meta({ id: 'MeetingUpdate' });
export const MeetingParticipant = t.meetingParticipantsRow.meta({ id: 'MeetingParticipant' });
/** A participant a client lists is a guest entry: only invitations, links and rooms name an identity. */
export const MeetingParticipantCreate = t.meetingParticipantsInsert
  .omit({ meeting_id: true, participant_identity_id: true, via_link_id: true })
  .meta({ id: 'MeetingParticipantCreate' });
export const MeetingParticipantUpdate = MeetingParticipantCreate.partial().meta({
  id: 'MeetingParticipantUpdate',
});
export const MeetingNote = t.meetingNotesRow.meta({ id: 'MeetingNote' });
export const MeetingNoteCreate = z
  .object({ body: t.meetingNotesInsert.shape.body })
  .meta({ id: 'MeetingNoteCreate' });
export const MeetingTask = t.meetingTasksRow.meta({ id: 'MeetingTask' });
export const MeetingTaskCreate = t.meetingTasksInsert
  .omit({ meeting_id: true })
  .meta({ id: 'MeetingTaskCreate' });
export const MeetingTaskUpdate = MeetingTaskCreate.partial().meta({ id: 'MeetingTaskUpdate' });

export const Property = t.propertiesRow.meta({ id: 'Property' });
export const PropertyCreate = t.propertiesInsert.meta({ id: 'PropertyCreate' });
export const PropertyUpdate = t.propertiesInsert
  .omit({ dataspace_id: true })
  .partial()
  .meta({ id: 'PropertyUpdate' });
export const PropertyUnit = t.propertyUnitsRow.meta({ id: 'PropertyUnit' });
export const PropertyUnitCreate = t.propertyUnitsInsert
  .omit({ property_id: true })
  .meta({ id: 'PropertyUnitCreate' });
export const PropertyUnitUpdate = PropertyUnitCreate.partial().meta({ id: 'PropertyUnitUpdate' });
export const Tenant = t.tenantsRow.meta({ id: 'Tenant' });
export const TenantCreate = t.tenantsInsert.omit({ unit_id: true }).meta({ id: 'TenantCreate' });
export const TenantUpdate = TenantCreate.partial().meta({ id: 'TenantUpdate' });
export const RentPayment = t.rentPaymentsRow.meta({ id: 'RentPayment' });
export const RentPaymentCreate = t.rentPaymentsInsert
  .omit({ tenant_id: true })
  .meta({ id: 'RentPaymentCreate' });
export const RentPaymentUpdate = RentPaymentCreate.partial().meta({ id: 'RentPaymentUpdate' });

export const ConstructionProject = t.constructionProjectsRow.meta({ id: 'ConstructionProject' });
export const ConstructionProjectCreate = t.constructionProjectsInsert.meta({
  id: 'ConstructionProjectCreate',
});
export const ConstructionProjectUpdate = t.constructionProjectsInsert
  .omit({ dataspace_id: true })
  .partial()
  .meta({ id: 'ConstructionProjectUpdate' });
export const Estimate = t.constructionEstimatesRow.meta({ id: 'Estimate' });
export const EstimateCreate = t.constructionEstimatesInsert
  .omit({ project_id: true })
  .meta({ id: 'EstimateCreate' });
export const EstimateUpdate = EstimateCreate.partial().meta({ id: 'EstimateUpdate' });
export const LineItem = t.estimateLineItemsRow.meta({ id: 'LineItem' });
export const LineItemCreate = t.estimateLineItemsInsert
  .omit({ estimate_id: true })
  .meta({ id: 'LineItemCreate' });
export const LineItemUpdate = LineItemCreate.partial().meta({ id: 'LineItemUpdate' });
/** Totals of an estimate, in cents: line items, tax at the estimate's rate, total. */
export const EstimateTotals = z
  .object({
    estimate_id: z.uuid(),
    line_items: z.number().int(),
    subtotal_cents: z.number().int(),
    tax_rate: z.number(),
    tax_cents: z.number().int(),
    total_cents: z.number().int(),
  })
  .meta({ id: 'EstimateTotals' });

export const XrRoom = t.xrRoomsRow.meta({ id: 'XrRoom' });
export const XrRoomCreate = t.xrRoomsInsert
  .extend({ settings: JsonObject.optional() })
  .meta({ id: 'XrRoomCreate' });
export const XrRoomUpdate = t.xrRoomsInsert
  .omit({ dataspace_id: true })
  .extend({ settings: JsonObject.optional() })
  .partial()
  .meta({ id: 'XrRoomUpdate' });
/** Read through the API only: the room writes anchors and objects (one writer per record). */
export const SpatialAnchor = t.spatialAnchorsRow.meta({ id: 'SpatialAnchor' });
/** Read through the API only: the room writes anchors and objects (one writer per record). */
export const SpatialObject = t.spatialObjectsRow.meta({ id: 'SpatialObject' });

export const FileRow = t.filesRow.omit({ storage_path: true }).meta({ id: 'File' });
export const FileUploadQuery = z
  .object({
    dataspace_id: z.uuid(),
    name: z
      .string()
      .min(1)
      .max(255)
      .regex(/^[^/\\\0]+$/, 'no path separators'),
  })
  .meta({ id: 'FileUploadQuery' });

export const Notification = t.notificationsRow.meta({ id: 'Notification' });
export const NotificationCreate = t.notificationsInsert
  .omit({ read_at: true })
  .extend({ data: JsonObject.optional() })
  .meta({ id: 'NotificationCreate' });
export const NotificationUpdate = z.object({ read: z.boolean() }).meta({ id: 'NotificationUpdate' });
export const NotificationDelivery = t.notificationDeliveriesRow.meta({ id: 'NotificationDelivery' });
export const NotificationCreated = z
  .object({ notification: Notification, deliveries: z.array(NotificationDelivery) })
  .meta({ id: 'NotificationCreated' });
export const NotificationChannel = t.notificationChannelsRow
  .omit({ secret: true })
  .meta({ id: 'NotificationChannel' });
export const NotificationChannelCreate = t.notificationChannelsInsert
  .omit({ secret: true })
  .extend({ config: JsonObject.optional() })
  .meta({ id: 'NotificationChannelCreate' });
export const NotificationChannelUpdate = NotificationChannelCreate.omit({ channel: true })
  .partial()
  .meta({ id: 'NotificationChannelUpdate' });
/** A webhook channel's signing secret is shown once, at creation. */
export const NotificationChannelCreated = z
  .object({ channel: NotificationChannel, secret: z.string().nullable() })
  .meta({ id: 'NotificationChannelCreated' });

export const ElevationRequest = t.elevationRequestsRow.meta({ id: 'ElevationRequest' });
export const ElevationRequestCreate = z
  .object({
    scope_type: t.elevationRequestsInsert.shape.scope_type,
    scope_id: z.uuid(),
    permission: t.elevationRequestsInsert.shape.permission,
    reason: t.elevationRequestsInsert.shape.reason,
    duration_seconds: z
      .number()
      .int()
      .min(60)
      .max(30 * 86400)
      .default(3600),
  })
  .meta({ id: 'ElevationRequestCreate' });
export const AuditEntry = t.auditLogRow.meta({ id: 'AuditEntry' });
export const AuditVerification = z
  .object({ checked: z.number().int(), first_broken_seq: z.number().int().nullable(), intact: z.boolean() })
  .meta({ id: 'AuditVerification' });

export const BureauConfiguration = t.bureauConfigurationsRow.meta({ id: 'BureauConfiguration' });
export const BureauConfigurationCreate = t.bureauConfigurationsInsert
  .extend({ layout_preferences: JsonObject.optional() })
  .meta({ id: 'BureauConfigurationCreate' });
export const BureauConfigurationUpdate = BureauConfigurationCreate.omit({ sphere_id: true })
  .partial()
  .meta({ id: 'BureauConfigurationUpdate' });

export const SubscriptionPlan = t.subscriptionPlansRow.meta({ id: 'SubscriptionPlan' });
export const UserSubscription = t.userSubscriptionsRow.meta({ id: 'UserSubscription' });
/** `POST /subscriptions`: the plan, and the identity whose account receives its tokens (default: the active one). */
export const SubscriptionCreate = z
  .object({ plan_id: z.uuid(), identity_id: z.uuid().optional() })
  .meta({ id: 'SubscriptionCreate' });
/** `POST /subscriptions/{id}/change`: the plan from the next period on (the current plan undoes a change or a cancellation). */
export const SubscriptionChange = z.object({ plan_id: z.uuid() }).meta({ id: 'SubscriptionChange' });
/** `POST /subscriptions/top-ups` (admins): tokens credited to the user with this email, and why. */
export const TopUpCreate = z
  .object({
    email: z.email().max(320),
    amount: z.number().int().min(1).max(100_000_000),
    reason: z.string().trim().min(1).max(500),
  })
  .meta({ id: 'TopUpCreate' });
export const TopUp = z
  .object({ identity_id: z.uuid(), movement_id: z.uuid(), amount: z.number().int() })
  .meta({ id: 'TopUp' });

export const ApiKey = t.apiKeysRow.omit({ key_hash: true }).meta({ id: 'ApiKey' });
/** Permissions are `<group>:<read|write|*>`; group `all` covers every function. */
export const ApiKeyCreate = z
  .object({
    name: t.apiKeysInsert.shape.name,
    permissions: z
      .array(z.string().regex(/^[a-z][a-z_]*:(read|write|\*)$/, 'expected <group>:<read|write|*>'))
      .min(1)
      .max(50),
    expires_at: z.iso.datetime({ offset: true }).optional(),
  })
  .meta({ id: 'ApiKeyCreate' });
export const ApiKeyUpdate = z.object({ name: t.apiKeysInsert.shape.name }).meta({ id: 'ApiKeyUpdate' });
/** The key itself appears in this answer only. */
export const ApiKeyCreated = z.object({ api_key: ApiKey, key: z.string() }).meta({ id: 'ApiKeyCreated' });

export const OcwSession = t.ocwSessionsRow.meta({ id: 'OcwSession' });
export const OcwSessionCreate = z
  .object({
    workspace_id: z.uuid(),
    participant_identity_ids: z.array(z.uuid()).max(500).optional(),
    document: JsonObject.optional(),
  })
  .meta({ id: 'OcwSessionCreate' });
export const OcwSessionUpdate = z
  .object({
    participant_identity_ids: z.array(z.uuid()).max(500),
    document: JsonObject,
    revision: z.number().int().min(0),
  })
  .partial()
  .meta({ id: 'OcwSessionUpdate' });
