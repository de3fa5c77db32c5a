namespace Showgeo.Web.Features.Store.Manage;

/// <summary>
/// Who runs a store. Products and prices are money, so creating and editing them, the sales numbers and refunds take
/// <see cref="Entities.EntityPermission.ManageMoney"/> (owners and managers), as ticket types do; seeing the store's
/// orders and marking them shipped is fulfilment work that coordinators do too
/// (<see cref="Entities.EntityPermission.RunEvents"/>).
/// </summary>
public static class StorePermissions
{
    public const Entities.EntityPermission Products = Entities.EntityPermission.ManageMoney;
    public const Entities.EntityPermission Refunds = Entities.EntityPermission.ManageMoney;
    public const Entities.EntityPermission Fulfilment = Entities.EntityPermission.RunEvents;
}
