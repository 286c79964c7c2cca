using Microsoft.Extensions.Logging;
using StorageOperator.Operator.Api.V1Alpha1;
using StorageOperator.Operator.Controllers.Events;
using StorageOperator.Operator.Runtime.Client;
using StorageOperator.Operator.Runtime.Reconciliation;
using StorageOperator.Operator.Runtime.Status;
using StorageOperator.Operator.Validation;
using FinalizerClient = StorageOperator.Operator.Runtime.Finalizers.Finalizers;

namespace StorageOperator.Operator.Controllers;

/// <summary>
/// The frame every kind of ours shares, in this order: deletion (finalize, then release the
/// finalizer) -> ensure the finalizer -> validate the whole spec (invalid is terminal, reported
/// in Ready=False/InvalidSpec) -> the kind's own convergence.
/// </summary>
public abstract partial class CustomResourceController<T, TSpec, TStatus>(
    FinalizerClient finalizers, StatusWriter status, EventRecorder events, ILogger logger) : IReconciler<T>
    where T : class, ICustomResource<TSpec, TStatus>
    where TStatus : class, IHasConditions, new()
{
    protected StatusWriter Status { get; } = status;

    protected EventRecorder Events { get; } = events;

    public async Task<ReconcileResult> ReconcileAsync(T resource, CancellationToken ct)
    {
        if (resource.Metadata.DeletionTimestamp is not null)
        {
            if (!FinalizerClient.Has(resource, ApiGroup.Finalizer))
            {
                return ReconcileResult.Done;
            }
            var result = await FinalizeAsync(resource, ct).ConfigureAwait(false);
            if (result.Outcome != ReconcileOutcome.Done)
            {
                return result;
            }
            try
            {
                await finalizers.RemoveAsync(resource, ApiGroup.Finalizer, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (KubeErrors.IsNotFound(e))
            {
            }
            LogFinalized(resource.Kind, ObjectKey.Of(resource).ToString());
            return ReconcileResult.Done;
        }

        resource = await finalizers.AddAsync(resource, ApiGroup.Finalizer, ct).ConfigureAwait(false);

        var errors = Validate(resource);
        if (errors.Count > 0)
        {
            var message = string.Join("; ", errors);
            var before = Conditions.Find(resource.Status?.Conditions, ConditionTypes.Ready);
            await Status.UpdateAsync<T, TSpec, TStatus>(resource, s =>
            {
                s.Phase = "Failed";
                s.Conditions = Conditions.Set(s.Conditions, Status.Condition(resource, ConditionTypes.Ready, false, ConditionTypes.ReasonInvalidSpec, message), Status.Now);
                s.Conditions = Conditions.Set(s.Conditions, Status.Condition(resource, ConditionTypes.Progressing, false, ConditionTypes.ReasonInvalidSpec, "Waiting for the spec to be fixed."), Status.Now);
                s.Conditions = Conditions.Set(s.Conditions, Status.Condition(resource, ConditionTypes.Degraded, true, ConditionTypes.ReasonInvalidSpec, message), Status.Now);
            }, ct).ConfigureAwait(false);
            // After the status write: a conflicting write is retried and must not report twice.
            if (before?.Reason != ConditionTypes.ReasonInvalidSpec || before.Message != message)
            {
                await Events.WarningAsync(resource, ConditionTypes.ReasonInvalidSpec, message, ct).ConfigureAwait(false);
            }
            // Retrying cannot help: the next spec change (a new generation) brings a new event.
            return ReconcileResult.Terminal($"{ConditionTypes.ReasonInvalidSpec}: {errors.Count} problem(s)");
        }

        return await ConvergeAsync(resource, ct).ConfigureAwait(false);
    }

    protected abstract IReadOnlyList<ValidationError> Validate(T resource);

    /// <summary>The kind's own work for a valid spec.</summary>
    protected abstract Task<ReconcileResult> ConvergeAsync(T resource, CancellationToken ct);

    /// <summary>Cleanup of what ownerReferences do not cover; the finalizer is removed after Done.</summary>
    protected virtual Task<ReconcileResult> FinalizeAsync(T resource, CancellationToken ct) => Task.FromResult(ReconcileResult.Done);

    [LoggerMessage(30, LogLevel.Information, "Finalized {Kind} {Key}")]
    private partial void LogFinalized(string kind, string key);
}
